"""The order Anki introduces a deck's new cards in, checked with Anki's own scheduler.

A fresh collection's default options show 20 new cards a day and bury no siblings;
each cardgen card is its own note, so only the new cards' positions keep a fact's
cards apart. The tests import a deck, then study it day by day answering Good, as a
new user does, and look at which cards Anki showed for the first time each day.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from anki.collection import Collection
from anki.scheduler.v3 import CardAnswer
from hypothesis import given
from hypothesis import strategies as st

from cardgen.cards import Card, build_cards
from cardgen.emit.order import study_order
from cardgen.factbase.loader import load
from conftest import FACTS, build_file_tree
from test_anki import T1, import_apkgs, write_anki


def study_days(package_dir: Path, tmp_path: Path, days: int) -> list[list[str]]:
    """Import PACKAGE_DIR into a fresh collection and study DAYS days, answering Good:
    the keys of the cards shown new each day, in the order shown."""
    path = tmp_path / "collection.anki2"
    col = Collection(str(path))
    import_apkgs(col, package_dir)
    deck = max(col.decks.all_names_and_ids(), key=lambda d: (d.name != "Default", d.name.count("::")))
    new_by_day = []
    for _ in range(days):
        col.decks.select(deck.id)
        new: list[str] = []
        while queued := col.sched.get_queued_cards(fetch_limit=1).cards:
            card = col.get_card(queued[0].card.id)
            if card.type == 0:
                new.append(card.note()["Key"])
            card.start_timer()
            col.sched.answer_card(col.sched.build_answer(card=card, states=queued[0].states, rating=CardAnswer.GOOD))
        new_by_day.append(new)
        # The next day: Anki counts days from the collection's creation, read when it opens.
        col.db.execute("UPDATE col SET crt = crt - 86400")
        col.close()
        col = Collection(str(path))
    col.close()
    return new_by_day


def fact_of(key: str) -> str:
    return key.split("/")[0]


def test_a_facts_cards_are_introduced_on_different_days_in_the_authors_order(tmp_path):
    # Ids run against the author's order (file b before c, z- ids first), so id order cannot pass.
    def definitions(ids: list[str]) -> str:
        return "definitions:\n" + "".join(
            f"  - id: {i}\n    term: 용어{i[2:]}\n    english: Term {i[2:]}\n    definition: {i[2:]}번째 개념의 정의\n"
            for i in ids)
    first = [f"z-{n:02}" for n in range(15, 0, -1)]
    second = [f"a-{n:02}" for n in range(30, 15, -1)]
    root = build_file_tree(tmp_path / "facts", {
        "b.yaml": "deck: Order\n" + definitions(first),
        "c.yaml": "deck: Order\n" + definitions(second),
    })
    write_anki(load(root), tmp_path / "dist", timestamp=T1)
    days = study_days(tmp_path / "dist", tmp_path, 6)

    assert [len(day) for day in days] == [20, 20, 20, 20, 10, 0]  # Anki's 20 a day, 90 cards
    for day in days:
        assert len({fact_of(key) for key in day}) == len(day), day  # never two cards of a fact a day
    assert days[0] == [f"{i}/definition.forward" for i in first + second[:5]]  # file order, then line order
    assert days[1][:10] == [f"{i}/definition.forward" for i in second[5:]]
    assert days[1][10:] == [f"{i}/definition.reverse" for i in first[:10]]  # every first card before a second


def test_shipped_deck_never_introduces_two_cards_of_a_fact_on_one_day(tmp_path):
    base = load(FACTS)
    write_anki(base, tmp_path / "dist", timestamp=T1)
    days = study_days(tmp_path / "dist", tmp_path, 8)
    introduced = [key for day in days for key in day]
    assert sorted(introduced) == sorted(card.key for card in build_cards(base))  # every card, once
    for day in days:
        assert len({fact_of(key) for key in day}) == len(day), day
    first = min(base.facts(), key=lambda fact: fact.meta.loc)
    assert {base[fact_of(key)].meta.loc.file for key in days[0]} == {first.meta.loc.file}
    assert days[0][0] == f"{first.id}/definition.forward"  # the root concept the notes start with


def _card(fact: str, n: int) -> Card:
    return Card(fact, f"k.{n}", "D", (), "?")


@given(st.integers(1, 60), st.integers(1, 5), st.integers(1, 25))
def test_study_order_spaces_each_facts_cards_by_the_window_when_it_can(facts, size, window):
    sizes = [size] * facts
    cards = [_card(f"f{i}", n) for i, size in enumerate(sizes) for n in range(size)]
    rank = {f"f{i}": i for i in range(len(sizes))}
    order = study_order(cards, rank, window)

    assert Counter(order) == Counter(cards)
    for fact in rank:  # a fact's own cards keep their order
        assert [c.kind for c in order if c.fact_id == fact] == [c.kind for c in cards if c.fact_id == fact]
    if facts >= window:  # enough facts: every run of WINDOW cards holds distinct facts
        for start in range(len(order)):
            run = [c.fact_id for c in order[start:start + window]]
            assert len(set(run)) == len(run)
    assert [c.fact_id for c in order[:min(len(sizes), window)]] == [f"f{i}" for i in range(min(len(sizes), window))]


@pytest.mark.parametrize("window", [1, 3])
def test_study_order_with_one_fact_keeps_its_cards_in_order(window):
    cards = [_card("only", n) for n in range(4)]
    assert study_order(cards, {"only": 0}, window) == cards
