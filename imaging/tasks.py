from dart.celery import app


@app.task(acks_late=True, reject_on_worker_lost=True, name="imaging.extract_and_predict")
def imaging_extract_and_predict(upload_id: int) -> None:
    """Extract features and apply the registered models for one imaging upload; idempotent."""
    from imaging.services import imaging_upload_process

    imaging_upload_process(upload_id=upload_id)
