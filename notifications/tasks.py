"""Thin Celery tasks: take ids, call one service, safe to run twice."""

from smtplib import SMTPException

from celery import shared_task

from notifications.services import notifications_email_deliver


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=60,
    max_retries=5,
)
def deliver_emails(notification_ids: list[int]) -> int:
    return notifications_email_deliver(notification_ids=notification_ids)
