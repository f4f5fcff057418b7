"""Presigned uploads and downloads point where browsers can reach them (issue 17, blocker 1): on
AWS the bucket's regional virtual-hosted endpoint, which regions opened after March 2019
(ap-southeast-3, Jakarta) require, and which the web app's CSP allows (infra/web_policy.py);
against the emulator, path-style on its endpoint. Presigning needs no network: fake credentials."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib.adapters.storage import S3Storage
from chalicelib.config import Settings
from infra.web_policy import content_security_policy, origin_of, upload_origins_for

BUCKET = "depok-satupintu-uploads"


def _settings(region: str, endpoint: str | None = None) -> Settings:
    return Settings(stage="prod", aws_region=region, aws_endpoint_url=endpoint, table_name="satupintu",
                    app_secret_id="satupintu/app-secret", mail_from="no-reply@layanan.example.go.id",
                    web_base_url="https://layanan.example.go.id", uploads_bucket=BUCKET,
                    quarantine_bucket="depok-satupintu-quarantine", pii_key_id="alias/satupintu-pii",
                    pii_lookup_secret_id="satupintu/nik-lookup-key")


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch, tmp_path):
    # Nothing of the machine's or the emulator's: no endpoint in the environment (boto3 reads
    # AWS_ENDPOINT_URL itself), no profile files.
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))


@pytest.mark.parametrize("region", ["ap-southeast-3", "ap-southeast-1", "us-east-1"])
def test_presigned_posts_and_downloads_use_the_regional_virtual_hosted_endpoint(region):
    storage = S3Storage(_settings(region))
    post = storage.presign_upload("incoming/app_1/doc_1", "application/pdf", 1234)
    download = storage.presign_download("clean/app_1/doc_1", "v1", "surat.pdf", "application/pdf")

    host = f"{BUCKET}.s3.{region}.amazonaws.com"
    assert urlsplit(post["url"]).scheme == "https" and urlsplit(post["url"]).netloc == host
    assert urlsplit(download).scheme == "https" and urlsplit(download).netloc == host
    assert urlsplit(download).path == "/clean/app_1/doc_1"  # the key, not the bucket, is the path
    # Signed for that region (SigV4's credential scope), as the regional endpoint checks.
    assert f"/{region}/s3/aws4_request" in post["fields"]["x-amz-credential"]
    assert f"/{region}/s3/aws4_request" in parse_qs(urlsplit(download).query)["X-Amz-Credential"][0]


def test_the_web_apps_csp_allows_exactly_the_presigned_origin():
    storage = S3Storage(_settings("ap-southeast-3"))
    origins = upload_origins_for(BUCKET, "ap-southeast-3")
    presigned = {origin_of(storage.presign_upload("incoming/a/b", "image/png", 10)["url"]),
                 origin_of(storage.presign_download("clean/a/b", None, "x.png", "image/png"))}
    assert presigned == set(origins)
    csp = content_security_policy("https://api.example.go.id/api", origins, https=True)
    assert f"connect-src 'self' https://api.example.go.id {origins[0]};" in csp
    assert "https://depok-satupintu-uploads.s3.amazonaws.com" not in csp  # the global endpoint is refused there


def test_against_the_emulator_urls_are_path_style_on_its_endpoint():
    storage = S3Storage(_settings("ap-southeast-3", endpoint="http://127.0.0.1:4566"))
    post = storage.presign_upload("incoming/app_1/doc_1", "application/pdf", 1234)
    download = storage.presign_download("clean/app_1/doc_1", None, "surat.pdf", "application/pdf")
    assert post["url"] == f"http://127.0.0.1:4566/{BUCKET}"
    assert download.startswith(f"http://127.0.0.1:4566/{BUCKET}/clean/app_1/doc_1?")
