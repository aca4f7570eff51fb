from collections.abc import Callable

import pytest

from tests.integration.worker import CeleryWorker, tasks_sent_to, unique_queue


@pytest.fixture
def task_queue(transactional_db) -> str:
    """A queue of this test's own; tasks dispatched in the test go there, not eagerly."""
    queue = unique_queue()
    with tasks_sent_to(queue):
        yield queue


@pytest.fixture
def start_worker(task_queue, tmp_path) -> Callable[..., CeleryWorker]:
    """Start real workers on the test's queue; every one is gone before the database is flushed."""
    workers: list[CeleryWorker] = []

    def start(**options) -> CeleryWorker:
        log_path = tmp_path / f"worker-{len(workers) + 1}.log"
        worker = CeleryWorker(queue=task_queue, log_path=log_path, **options)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
