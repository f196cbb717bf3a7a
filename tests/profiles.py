"""Hypothesis profiles (issue #19): how many examples the property tests run.

    dev    `make test`'s default: about 350 examples in all, so every change runs them quickly.
    ci     `.ci/run`: the fuzz module's 2,000 plus each property test's full count.
    fuzz   `make fuzz`: 10,000 fuzz examples per database.

HYPOTHESIS_PROFILE picks one (dev when unset); FUZZ_EXAMPLES, when set, overrides the fuzz
module's total. The profile in use is printed in the test run's header.
"""

import os
from dataclasses import dataclass

from hypothesis import settings


@dataclass(frozen=True)
class Profile:
    name: str
    fuzz_examples: int
    """Examples for the whole of tests/test_fuzz.py, shared out by weight."""
    share: float
    """The fraction of its full (ci) count each other property test runs."""


PROFILES = {
    profile.name: profile
    for profile in (
        Profile("dev", fuzz_examples=300, share=0.25),
        Profile("ci", fuzz_examples=2_000, share=1.0),
        Profile("fuzz", fuzz_examples=10_000, share=1.0),
    )
}

for _profile in PROFILES.values():
    settings.register_profile(_profile.name, deadline=None, print_blob=True)

ACTIVE = PROFILES[os.environ.get("HYPOTHESIS_PROFILE") or "dev"]
settings.load_profile(ACTIVE.name)

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or ACTIVE.fuzz_examples)


def examples(full: int) -> int:
    """A property test's number of examples under the active profile; `full` under ci."""
    return max(1, round(full * ACTIVE.share))


def describe() -> str:
    return (
        f"hypothesis profile: {ACTIVE.name} ({FUZZ_EXAMPLES:,} fuzz examples; other property "
        f"tests at {ACTIVE.share:.0%} of their full count; HYPOTHESIS_PROFILE=dev|ci|fuzz)"
    )
