"""cardgen: study material (Anki decks, printable exams, quiz sets, a terminal quiz) from a fact base."""

__version__ = "0.1.0"
