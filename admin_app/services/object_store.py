"""The S3-compatible bucket behind services/storage.py, when STORAGE_S3_BUCKET is set."""

from __future__ import annotations

from flask import current_app


def configured() -> bool:
    return bool(current_app.config.get("STORAGE_S3_BUCKET"))


def _client():
    # One client per app (boto3 clients are thread-safe; building one costs milliseconds).
    client = current_app.extensions.get("storage_s3")
    if client is None:
        import boto3  # only a deployment with a bucket needs it loaded
        from botocore.config import Config

        config = current_app.config
        client = boto3.client(
            "s3",
            endpoint_url=config.get("STORAGE_S3_ENDPOINT_URL"),
            region_name=config.get("STORAGE_S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("STORAGE_S3_ACCESS_KEY_ID"),
            aws_secret_access_key=config.get("STORAGE_S3_SECRET_ACCESS_KEY"),
            config=Config(retries={"max_attempts": 3, "mode": "standard"}),
        )
        current_app.extensions["storage_s3"] = client
    return client


def _bucket() -> str:
    return current_app.config["STORAGE_S3_BUCKET"]


def put(key: str, data: bytes, content_type: str) -> None:
    _client().put_object(Bucket=_bucket(), Key=key, Body=data, ContentType=content_type)


def get(key: str) -> bytes:
    return _client().get_object(Bucket=_bucket(), Key=key)["Body"].read()


def delete(key: str) -> None:
    _client().delete_object(Bucket=_bucket(), Key=key)
