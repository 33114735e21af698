"""Fine-tuning all-MiniLM-L6-v2 on (evidence sentence, criterion text) pairs, and measuring it honestly (issue 12).

The labelled reports give, for every credited criterion, the sentences an assessor quoted as its
evidence. :func:`training_triplets` turns them into (sentence, the criterion's own words, another
criterion's words that the frozen model confuses with it) triplets; :func:`fine_tune` trains the
model on them with sentence-transformers' MultipleNegativesRankingLoss (in-batch negatives plus
the hard one) in a plain torch loop. Only criteria of the training fold take part, so a held-out
criterion's words, examples and evidence are never seen (leave-criteria-out).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from analyser.datamodel import Criterion

from .labelled import LabelledReport
from .pairs import evidence_bank

__all__ = ["Triplet", "criterion_text", "fine_tune", "training_triplets"]


@dataclass(frozen=True)
class Triplet:
    sentence: str
    positive: str
    negative: str
    code: str


def criterion_text(criterion: Criterion) -> str:
    """What the matcher compares a sentence with for a scheme of only its own words: the description."""
    return criterion.description


def training_triplets(
    reports: Iterable[LabelledReport], criteria: dict[str, Criterion], encode: Any, *, seed: int = 0
) -> list[Triplet]:
    """(quote, its criterion's words, the closest other criterion's words) for quotes of the given criteria.

    ``criteria`` is the training fold (code -> criterion); quotes of other codes are left out, and so
    is a quote that is also evidence of a criterion outside the fold. The hard negative is the
    other fold criterion the frozen model (``encode``) ranks highest for the quote, among those
    not credited for the same quote.
    """
    quotes: dict[str, set[str]] = {}
    for code, text, _ in evidence_bank(list(reports)):
        quotes.setdefault(text, set()).add(code)
    codes = sorted(criteria)
    texts = [criterion_text(criteria[c]) for c in codes]
    kept = [(q, cs) for q, cs in quotes.items() if cs <= set(codes)]
    if not kept:
        return []
    sims = encode([q for q, _ in kept]) @ encode(texts).T
    rng = random.Random(seed)
    triplets = []
    for (quote, own), row in zip(kept, sims):
        order = [codes[i] for i in np.argsort(-row) if codes[i] not in own]
        for code in sorted(own):
            negative = order[0] if rng.random() < 0.7 or len(order) < 2 else rng.choice(order[1:4])
            triplets.append(Triplet(quote, criterion_text(criteria[code]), criterion_text(criteria[negative]), code))
    return triplets


def _batches(triplets: list[Triplet], size: int, rng: random.Random) -> list[list[Triplet]]:
    """Shuffled batches in which no criterion appears twice and no positive is another's negative (true in-batch negatives).

    A triplet that fits no batch with another is dropped (a batch of one teaches nothing).
    """
    pool = triplets[:]
    rng.shuffle(pool)
    batches: list[list[Triplet]] = []
    while pool:
        batch: list[Triplet] = []
        positives: set[str] = set()
        negatives: set[str] = set()
        rest = []
        for t in pool:
            # A text that is one anchor's positive must not stand as another's negative, nor appear twice as a positive.
            if len(batch) < size and t.positive not in positives | negatives and t.negative not in positives:
                batch.append(t)
                positives.add(t.positive)
                negatives.add(t.negative)
            else:
                rest.append(t)
        batches.append(batch)
        pool = rest
    return [b for b in batches if len(b) > 1]


def fine_tune(
    model_folder: Path, triplets: list[Triplet], output: Path, *, epochs: int = 2, batch_size: int = 16,
    learning_rate: float = 2e-5, seed: int = 0, log: Any = print,
) -> Path:
    """Fine-tune the model in ``model_folder`` on ``triplets`` and save it (sentence-transformers folder) at ``output``."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    torch.manual_seed(seed)
    model = SentenceTransformer(str(model_folder), device="cpu")
    loss = MultipleNegativesRankingLoss(model)
    optimiser = torch.optim.AdamW(model.parameters(), lr=learning_rate)
    schedule = [_batches(triplets, batch_size, random.Random(seed + epoch)) for epoch in range(epochs)]
    steps = sum(len(batches) for batches in schedule)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps))
    tokenize = getattr(model, "preprocess", model.tokenize)  # preprocess from sentence-transformers 6
    model.train()
    started = time.perf_counter()
    for epoch, batches in enumerate(schedule):
        total = 0.0
        for batch in batches:
            features = [tokenize([getattr(t, part) for t in batch]) for part in ("sentence", "positive", "negative")]
            value = loss(features, None)
            optimiser.zero_grad()
            value.backward()
            optimiser.step()
            scheduler.step()
            total += value.item()
        log(f"epoch {epoch + 1}: {len(batches)} batches, mean loss {total / max(len(batches), 1):.3f} ({time.perf_counter() - started:.0f}s)")
    model.eval()
    output.mkdir(parents=True, exist_ok=True)
    model.save(str(output))
    return output
