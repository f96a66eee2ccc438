"""Deterministic synthetic prose for tests: random sentences over a fixed vocabulary, so texts
share no n-gram unless a test puts it there."""

from __future__ import annotations

import random

_VOCAB = (
    "harbour council minister river market tender engine signal ledger winter orchard cable tariff "
    "bridge vessel pilot quarry garden lantern meadow copper silver canal depot ferry granite valley "
    "turbine factory station railway clinic village island summit border charter treaty budget "
    "auditor farmer teacher nurse driver baker sailor miner weaver potter mason tailor clerk judge "
    "announced reported confirmed denied approved rejected delayed expanded reduced opened closed "
    "signed traded shipped repaired measured counted planted harvested painted built crossed "
    "quickly slowly firmly openly quietly sharply briefly widely rarely nearly fully partly "
    "northern southern eastern western central coastal rural urban local national regional "
    "annual weekly early late new old large small public private formal final initial"
).split()


def sentence(rng: random.Random, words: int) -> str:
    body = " ".join(rng.choice(_VOCAB) for _ in range(words))
    return body[0].upper() + body[1:] + "."


def paragraph(rng: random.Random, words: int = 60) -> str:
    out, left = [], words
    while left > 0:
        n = min(left, rng.randint(8, 18))
        out.append(sentence(rng, n))
        left -= n
    return " ".join(out)


def article(seed: int, paragraphs: int = 6, words: int = 60) -> str:
    rng = random.Random(seed)
    return "\n\n".join(paragraph(rng, words) for _ in range(paragraphs))
