"""Three sample projections (issue 11): what the model says for a small Instagram shop, a TikTok
creator and a LinkedIn consultant, in all five scenarios.

Run: .venv/bin/python benchmarks/sample_projections.py [OUTPUT]
The "before" figures (three scenarios, the flat posting table) are in /tmp/i11/samples_before.txt;
with OUTPUT the same text is also written to that file.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.base.problems import Problems
from bot.growth.parameters import BENCHMARKS_FILE, load_benchmarks
from bot.growth.projection import ALL_SCENARIOS, ProjectionInput, project, round_followers

SAMPLES = [
    ("small Instagram shop", ProjectionInput("instagram", 800, 5000, 150.0, 3.0, start_month=12)),
    ("TikTok creator", ProjectionInput("tiktok", 2000, 100000, 50.0, 7.0, start_month=12)),
    ("LinkedIn consultant", ProjectionInput("linkedin", 300, 3000, 100.0, 2.0, start_month=12)),
]


def main() -> str:
    problems = Problems()
    params = load_benchmarks(BENCHMARKS_FILE, problems)
    if params is None:
        raise SystemExit(problems.report())
    lines = [f"scenarios, slowest first: {'/'.join(ALL_SCENARIOS)}"]
    for name, inp in SAMPLES:
        result = project(inp, params)
        s = result.scenarios
        months = [s[n].months_to_target for n in ALL_SCENARIOS]
        year = [s[n].after_1_year for n in ALL_SCENARIOS]
        lines.append(
            f"{name}: {inp.platform} {inp.current}->{inp.target}, "
            f"EUR {inp.budget_eur_month:g}/month, {inp.posts_per_week:g} posts/week"
        )
        lines.append(f"  months to target: {months}")
        lines.append(f"  after 1 year:     {year}")
        lines.append(
            f"  budget needed: {result.budget_needed_eur_month}  "
            f"advice: {[str(a) for a in result.advice]}"
        )
        early, late = s["likely_high"].months_to_target, s["likely_low"].months_to_target
        said = (
            f"most likely between {early} and {late} months"
            if early is not None and late is not None
            else "not within the horizon"
        )
        lines.append(
            f"  said: {said}; after a year about "
            f"{round_followers(s['likely_low'].after_1_year)}-"
            f"{round_followers(s['likely_high'].after_1_year)} followers"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = main()
    print(text, end="")
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text, encoding="utf-8")
