"""Same-story benchmark: how well ``summarise``'s story likeness separates one story told by
several sources from different stories, on the cleaning dev pages.

Every page is cleaned as ``bulletin clean`` does, all of them are compared in one batch (as
``nightly`` compares its candidates), and the likeness of every pair is printed: the labelled
pairs below, then the most alike of the other pairs (all different stories), and which pairs
the threshold groups as one story (groups are transitive).

    python benchmarks/same_story_bench.py [--threshold 0.28] [--top 12] [--data DIR]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from bulletin.clean import clean_article
from bulletin.config import ScriptConfig
from bulletin.inputs import load_inputs
from bulletin.summarise import _rank, _same_stories, _story_likeness

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "corpus" / "cleaning" / "dev"

# (page hash prefix, page hash prefix, one story?), labelled by reading the pages. Pairs not
# listed are different stories; these are the ones that tell one story, and the different
# stories most alike in words.
PAIRS = [
    ("06e5123e", "1ace8c85", True),  # WeWork investigated by NY attorney general (Reuters, TC)
    ("35b15891", "ac1bfdd4", True),  # Doobie Brothers reunite with Michael McDonald
    ("680c2848", "8267acac", True),  # Google Stadia launches (Digg, Hollywood Reporter)
    ("8267acac", "e100c961", True),  # Stadia (Hollywood Reporter, Wccftech)
    ("680c2848", "e100c961", True),  # Stadia (Digg, Wccftech)
    ("ba4dfe2d", "ea25dd7e", True),  # Plague cases in China
    ("b37be353", "e1c7023e", True),  # ESA study: hibernating astronauts
    ("42aad16b", "d1c57d78", True),  # NASA adds companies to its commercial lunar landers
    ("06e5123e", "bc13ff87", False),  # WeWork investigated / WeWork layoffs
    ("1ace8c85", "bc13ff87", False),
    ("287e4d9f", "e7d77f18", False),  # two Black Friday deal lists (IGN, BGR)
    ("5fa3154e", "624fcd90", False),  # Hong Kong: Guardian editorial / Express troops report
    ("076f4f33", "16c30add", False),  # Delhi oxygen bar / Delhi pollution law
    ("55bb6340", "eb62ac84", False),  # "Opening Bell" roundup / Scooter Braun and Taylor Swift
    ("7a664e40", "82b6d780", False),  # Volker and Morrison hearing / Sondland hearing
    ("08f79376", "6a72de37", False),  # Browns: Rudolph fight / defensive snap counts
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=ScriptConfig().same_story_similarity)
    parser.add_argument("--top", type=int, default=12, help="other pairs to show")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of .html pages")
    args = parser.parse_args(argv)

    raws, _ = load_inputs(sorted(args.data.glob("*.html")))
    articles = [a for a in map(clean_article, raws) if a is not None]
    ranked = [_rank(a)[0] for a in articles]
    likeness = _story_likeness(articles, ranked)
    index = {Path(a.origin).name[:8]: k for k, a in enumerate(articles)}
    missing = sorted({p for a, b, _ in PAIRS for p in (a, b)} - index.keys())
    if missing:
        print(f"pages not found in {args.data}: {', '.join(missing)}", file=sys.stderr)
        return 1
    grouped = {
        frozenset(pair)
        for group in _same_stories(articles, ranked, args.threshold)
        for pair in itertools.combinations(group, 2)
    }

    def row(i: int, j: int, label: str) -> str:
        mark = "merged" if frozenset((i, j)) in grouped else ""
        titles = f"{articles[i].title[:38]} / {articles[j].title[:38]}"
        return f"{label:<6} {likeness[i, j]:5.2f} {mark:<7} {titles}"

    labelled = {(index[a], index[b]): same for a, b, same in PAIRS}
    alike = [p for p, same in labelled.items() if same]
    apart = [p for p, same in labelled.items() if not same]
    others = [
        (i, j)
        for i, j in itertools.combinations(range(len(articles)), 2)
        if (i, j) not in labelled and (j, i) not in labelled
    ]
    others.sort(key=lambda p: -likeness[p])
    print(f"{len(articles)} pages, threshold {args.threshold}")
    for label, pairs in (("same", alike), ("diff", apart), ("other", others[: args.top])):
        for i, j in sorted(pairs, key=lambda p: -likeness[p]):
            print(row(i, j, label))
    found = sum(frozenset(p) in grouped for p in alike)
    wrong = len(grouped - {frozenset(p) for p in alike})
    lowest = min(likeness[p] for p in alike)
    highest = max(likeness[p] for p in apart + others)
    print(
        f"one story grouped: {found}/{len(alike)}; pairs of different stories grouped: {wrong}; "
        f"lowest one-story likeness {lowest:.2f}, highest different-story {highest:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
