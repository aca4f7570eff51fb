from dart.celery import app


@app.task(acks_late=True, reject_on_worker_lost=True, name="genomics.ingest_upload")
def ingest_upload(upload_id: int) -> None:
    """Ingest one upload; idempotent, so a redelivered or duplicated task changes nothing."""
    from genomics.services.ingest import upload_ingest

    upload_ingest(upload_id=upload_id)
