"""The capacity figure chosen from measured load steps (scripts/load/capacity.py)."""

from scripts.load.capacity import Step, capacity


def step(load, p95_ms, errors=0):
    return Step(load, latencies=[100.0] * 18 + [p95_ms] * 2, errors=["HTTP 502"] * errors)


def test_the_capacity_is_the_last_step_passed_before_the_first_failure():
    steps = [step(1, 300), step(2, 1000), step(4, 1500), step(6, 900)]
    assert capacity(steps) == 2  # 6/s passing after a failed 4/s does not count


def test_one_error_fails_a_step_whatever_its_p95():
    assert capacity([step(1, 200), step(2, 300, errors=1)]) == 1


def test_no_capacity_when_the_first_step_failed():
    assert capacity([step(250, 1001), step(500, 200)]) is None


def test_a_step_without_any_sample_fails():
    assert not Step(1).passed
    assert step(1, 1000).passed
