"""Choosing wrong options: candidates ranked by closeness to the answer, filtered by truth.

A question's candidates come in tiers (siblings first, then the same kind of fact, then
the rest); within a tier the one nearest the answer's length comes first, then by key.
Tiers are lazy iterators over length-sorted shelves, so a large fact base costs a few
steps per question instead of a sort of everything. `pick` drops whatever is also right,
any duplicate and any other name of the answer, and stops as soon as it has enough.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain
from typing import Any, NamedTuple, TypeVar

from cardgen.bank.question import MAX_OPTIONS, MIN_OPTIONS
from cardgen.bank.relations import fold


class Candidate(NamedTuple):
    """A possible wrong option. `key` orders equals and says where it comes from (a fact
    id); `names` are other names it goes by, which must not collide with the answer's;
    `ref` is the concept a point belongs to, `concepts` those of every layer a layer name names;
    `lang` the language of the fact it comes from (empty: any).

    A named tuple rather than a frozen dataclass: a large base makes one of every
    definition, and a frozen dataclass sets each field through `object.__setattr__`."""

    text: str
    key: str
    names: tuple[str, ...] = ()
    ref: str | None = None
    concepts: frozenset[str] = frozenset()
    lang: str = ""

    @property
    def folded(self) -> tuple[str, ...]:
        """The text and the names as compared for sameness. Folded on use, not on creation:
        a large base makes a candidate of every definition, and a draw looks at a few
        (`fold` remembers what it has folded while a bank is built)."""
        return (fold(self.text), *(fold(n) for n in self.names)) if self.names else (fold(self.text),)


def _order(c: Candidate) -> tuple[str, str]:
    return c.key, c.text


class Shelf:
    """Candidates by text length, handed out nearest to a given length first."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        groups: dict[int, list[Candidate]] = {}
        for c in candidates:
            groups.setdefault(len(c.text), []).append(c)
        self.lengths = sorted(groups)
        self.groups = {n: sorted(g, key=_order) for n, g in groups.items()}
        self._by_key: dict[str, list[Candidate]] | None = None

    def get(self, keys: Iterable[str]) -> list[Candidate]:
        """The candidates with one of KEYS."""
        index = self._by_key
        if index is None:  # built on first use: most shelves are only ever walked
            index = self._by_key = {}
            for n in self.lengths:
                for c in self.groups[n]:
                    index.setdefault(c.key, []).append(c)
        return [c for key in keys for c in index.get(key, ())]

    def nearest(self, length: int) -> Iterator[Candidate]:
        """Every candidate, ordered by distance from LENGTH, then key and text."""
        return _walk(self.lengths, self.groups, length, key=_order)


T = TypeVar("T")


def _walk(lengths: list[int], groups: dict[int, list[T]], length: int, key: Callable[[T], Any]) -> Iterator[T]:
    """The items of GROUPS (by length, each in KEY order) nearest to LENGTH first; groups as
    near below as above are merged in KEY order."""
    hi = bisect_left(lengths, length)
    lo = hi - 1
    while lo >= 0 or hi < len(lengths):
        below = length - lengths[lo] if lo >= 0 else None
        above = lengths[hi] - length if hi < len(lengths) else None
        if above is None or (below is not None and below < above):
            yield from groups[lengths[lo]]
            lo -= 1
        elif below is None or above < below:
            yield from groups[lengths[hi]]
            hi += 1
        else:
            yield from heapq.merge(groups[lengths[lo]], groups[lengths[hi]], key=key)
            lo, hi = lo - 1, hi + 1


class Pool(Shelf):
    """One candidate per fact id, each made on first use. A bank drawn for a sample of a
    large base asks about a few facts, whose wrong options rarely come from further than
    their siblings and tags: a walk of the whole pool by length (`nearest`) sorts ids, and
    makes only the candidates it reaches."""

    def __init__(self, ids: Iterable[str], text: Callable[[str], str], make: Callable[[str], Candidate]) -> None:
        self.ids = dict.fromkeys(ids)
        self._text = text
        self._make = make
        self._made: dict[str, Candidate] = {}
        self._by_length: tuple[list[int], dict[int, list[str]]] | None = None

    def __getitem__(self, key: str) -> Candidate:
        try:
            return self._made[key]
        except KeyError:
            made = self._made[key] = self._make(key)
            return made

    def get(self, keys: Iterable[str]) -> list[Candidate]:
        return [self[key] for key in keys if key in self.ids]

    def nearest(self, length: int) -> Iterator[Candidate]:
        if self._by_length is None:
            groups: dict[int, list[str]] = {}
            for key in self.ids:
                groups.setdefault(len(self._text(key)), []).append(key)
            for group in groups.values():
                group.sort()  # one candidate per key: the order of `_order`
            self._by_length = sorted(groups), groups
        lengths, groups = self._by_length
        yield from map(self.__getitem__, _walk(lengths, groups, length, key=str))


class Shelves(Mapping[str, Shelf]):
    """A shelf per group of ids (a tag's definitions, say) from one pool, each made on first use."""

    def __init__(self, groups: dict[str, list[str]], pool: Pool) -> None:
        self._groups, self._pool = groups, pool
        self._made: dict[str, Shelf] = {}

    def __getitem__(self, group: str) -> Shelf:
        try:
            return self._made[group]
        except KeyError:
            made = self._made[group] = Shelf(map(self._pool.__getitem__, self._groups[group]))
            return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)


def nearest(candidates: Iterable[Candidate], length: int) -> list[Candidate]:
    """A small explicit tier in rank order."""
    return sorted(candidates, key=lambda c: (abs(len(c.text) - length), c.key, c.text))


def merged(tiers: Iterable[Iterable[Candidate]], length: int) -> Iterator[Candidate]:
    """Several ranked sources of one tier, as one ranked source."""
    return heapq.merge(*tiers, key=lambda c: (abs(len(c.text) - length), c.key, c.text))


def where(test: Callable[[Candidate], bool], candidates: Iterable[Candidate]) -> Iterator[Candidate]:
    return (c for c in candidates if test(c))


def pick(
    answer: str,
    tiers: Iterable[Iterable[Candidate]],
    *,
    avoid: Iterable[str] = (),
    want: int = MAX_OPTIONS - 1,
    least: int = MIN_OPTIONS - 1,
    lang: str = "",
) -> tuple[Candidate, ...] | None:
    """Up to WANT wrong options for ANSWER from TIERS (each in rank order), or None when
    fewer than LEAST good ones exist. AVOID holds texts that are right too. With LANG, a
    candidate from a fact in another language is passed over: in a base of Korean and
    English files, an English option among Korean ones would give itself away."""
    blocked = {fold(answer)} | {fold(a) for a in avoid}
    out: list[Candidate] = []
    for cand in chain.from_iterable(tiers):
        if lang and cand.lang and cand.lang != lang:
            continue
        if not blocked.isdisjoint(cand.folded):
            continue
        out.append(cand)
        blocked.update(cand.folded)
        if len(out) == want:
            break
    return tuple(out) if len(out) >= least else None
