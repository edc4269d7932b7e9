"""The baseline for `cardgen anki`: what a plain genanki script cannot avoid.

    python bench/plain_genanki.py FACTS_DIR NOTES.json OUT_DIR

It parses the fact files with PyYAML's C loader (any script must read its input),
then writes the very notes cardgen made (note type, fields, tags, GUID; dumped to
NOTES.json before the clock starts) with genanki's own `write_to_file`. What
`cardgen anki` spends beyond this is validation, card building and rendering.
"""

import json
import sys
from pathlib import Path

import genanki
import yaml


def main(facts_dir: str, notes_json: str, out_dir: str) -> None:
    for file in sorted(Path(facts_dir).glob("*.yaml")):
        yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data = json.loads(Path(notes_json).read_text(encoding="utf-8"))
    models = {
        m["name"]: genanki.Model(m["id"], m["name"], fields=[{"name": f} for f in m["fields"]],
                                 templates=m["templates"], css=m["css"], model_type=m["type"])
        for m in data["models"]
    }
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for i, deck in enumerate(data["decks"]):
        anki_deck = genanki.Deck(deck["id"], deck["name"])
        for note in deck["notes"]:
            anki_deck.add_note(genanki.Note(model=models[note["model"]], fields=note["fields"], tags=note["tags"], guid=note["guid"]))
        genanki.Package(anki_deck).write_to_file(str(Path(out_dir) / f"deck-{i}.apkg"), timestamp=1700000000)


if __name__ == "__main__":
    main(*sys.argv[1:])
