import pytest


@pytest.fixture(params=["local", "s3"])
def backend(request, settings):  # type: ignore[no-untyped-def]
    """The evidence tests run on local disk and on the real S3 server (started by `s3_store`)."""
    if request.param == "s3":
        request.getfixturevalue("s3_store")
    return request.param
