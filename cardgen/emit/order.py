"""The order in which Anki shows a deck's new cards.

Anki's default deck options show 20 new cards a day, in position order, and do
not bury siblings; each of cardgen's cards is its own note, so nothing in Anki
keeps a fact's forward, reverse and type-in cards off the same day, where the
first would answer the other two. Their positions must do it.

`study_order` lays the cards out so that any run of `window` consecutive
positions holds at most one card of each fact (when the deck has enough facts
for that), which keeps a fact's cards on different days whatever day a user
starts. Within that rule, a fact's first card comes before any fact's second,
and facts come in the author's order: file by file, each file top to bottom.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Mapping, Sequence

from cardgen.cards import Card
from cardgen.factbase.model import FactBase

NEW_PER_DAY = 20
"""Anki's default new cards per day."""


def study_order(cards: Sequence[Card], rank: Mapping[str, int], window: int = NEW_PER_DAY) -> list[Card]:
    """CARDS in the order Anki should introduce them; RANK is each fact id's place in the author's order.

    A fact's own cards keep their relative order. A fact is ready when none of its
    cards is among the last `window - 1` placed. At each position the next card
    of a ready fact is placed: of the fact whose remaining cards no longer fit
    `window` apart in the positions left, if there is one (the fact with most
    cards left); else of the fact with the fewest cards placed so far (ties: the
    earlier fact); when no fact is ready, of the one placed longest ago.
    """
    queues: dict[str, deque[Card]] = {}
    for card in cards:
        queues.setdefault(card.fact_id, deque()).append(card)
    placed = dict.fromkeys(queues, 0)
    ready = set(queues)
    by_round = [(0, rank[fact_id], fact_id) for fact_id in queues]
    by_size = [(-len(queue), rank[fact_id], fact_id) for fact_id, queue in queues.items()]
    heapq.heapify(by_round)
    heapq.heapify(by_size)
    resting: deque[tuple[int, str]] = deque()  # (position placed, fact id), oldest first

    def current(entry: tuple[int, int, str], count: int) -> bool:
        return entry[2] in ready and entry[0] == count

    total = len(cards)
    order: list[Card] = []
    for position in range(total):
        while resting and resting[0][0] <= position - window:
            fact_id = resting.popleft()[1]
            ready.add(fact_id)
            heapq.heappush(by_round, (placed[fact_id], rank[fact_id], fact_id))
            heapq.heappush(by_size, (-len(queues[fact_id]), rank[fact_id], fact_id))
        while by_size and not current(by_size[0], -len(queues[by_size[0][2]])):
            heapq.heappop(by_size)
        while by_round and not current(by_round[0], placed[by_round[0][2]]):
            heapq.heappop(by_round)
        if by_size and (-by_size[0][0] - 1) * window >= total - position - window:
            fact_id = heapq.heappop(by_size)[2]
        elif by_round:
            fact_id = heapq.heappop(by_round)[2]
        else:
            fact_id = resting.popleft()[1]
        ready.discard(fact_id)
        queue = queues[fact_id]
        order.append(queue.popleft())
        placed[fact_id] += 1
        if queue:
            resting.append((position, fact_id))
    return order


def author_rank(base: FactBase) -> dict[str, int]:
    """Each fact id's place in the author's order: by file, then by line within the file."""
    facts = sorted(base.facts(), key=lambda fact: fact.meta.loc)
    return {fact.id: place for place, fact in enumerate(facts)}
