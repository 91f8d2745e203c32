"""Running callables at the same moment, each in its own thread and database connection, for the race tests."""

import threading

from django.db import connections

from pharmacy.exceptions import DomainError


def race(callables) -> list:
    """Run each callable in its own thread (own DB connection), released together by a barrier."""
    barrier = threading.Barrier(len(callables))
    results: list = [None] * len(callables)

    def run(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except DomainError as refusal:
            results[index] = refusal
        except Exception as error:  # noqa: BLE001 - surfaced by the assertions below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(callables)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung"
    return results
