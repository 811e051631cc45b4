"""Celery workers: the gpu queue (transcribe, diarize) and the cpu queue (draft, import, export).

The database row of a Job is the truth; a Celery message only says "look at job N".
Tasks take ids, claim the job with a lease, and do nothing when the row says
someone else holds it or it is finished, so duplicate messages are harmless.
"""
