"""Aliyun and Tencent Cloud SMS against local fake providers that check the signature.

The verifiers below are written from the providers' public documentation, apart
from the adapters in notify/sms.py (a different encoding route for Aliyun, the
header canonicalisation taken from what was actually received for Tencent), so a
wrong signature on either side fails the test.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from grassroots.core import clock
from grassroots.notify import services, sms
from grassroots.notify.channels import DeliveryError, SmsMessage
from grassroots.notify.models import Delivery, Preference
from grassroots.notify.tests.conftest import json_server
from grassroots.testing import Town

KEY_ID = "LTAI-test-key-id"
SECRET = "provider-secret-0123456789"
T0 = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)


# --- the verifiers (from the documentation, not from notify/sms.py) -------------------


def aliyun_expected_signature(secret: str, method: str, params: dict[str, str]) -> str:
    """Aliyun POP v1: form-encode, then '+'→%20, '*'→%2A, %7E→'~' (the documented recipe)."""

    def special(value: str) -> str:
        return (
            urllib.parse.quote_plus(value, encoding="utf-8")
            .replace("+", "%20")
            .replace("*", "%2A")
            .replace("%7E", "~")
        )

    pairs = sorted((k, v) for k, v in params.items() if k != "Signature")
    canonical = "&".join(special(k) + "=" + special(v) for k, v in pairs)
    string_to_sign = method + "&" + special("/") + "&" + special(canonical)
    mac = hmac.new((secret + "&").encode("utf-8"), string_to_sign.encode("utf-8"), "sha1")
    return base64.b64encode(mac.digest()).decode()


def tencent_expected_authorization(
    secret_id: str, secret_key: str, headers: Any, body: bytes
) -> str:
    """TC3-HMAC-SHA256, rebuilt from the headers the fake server received."""
    timestamp = int(headers["X-TC-Timestamp"])
    day = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC).date().isoformat()
    signed = headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].strip()
    canonical_headers = "".join(
        f"{name}:{headers[name].strip().lower()}\n" for name in signed.split(";")
    )
    canonical_request = (
        f"POST\n/\n\n{canonical_headers}\n{signed}\n{hashlib.sha256(body).hexdigest()}"
    )
    scope = day + "/sms/tc3_request"
    string_to_sign = (
        "TC3-HMAC-SHA256\n"
        + str(timestamp)
        + "\n"
        + scope
        + "\n"
        + hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    )

    def step(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode("utf-8"), "sha256").digest()

    signing_key = step(step(step(("TC3" + secret_key).encode("utf-8"), day), "sms"), "tc3_request")
    signature = hmac.new(signing_key, string_to_sign.encode("utf-8"), "sha256").hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed}, "
        f"Signature={signature}"
    )


# --- the fake providers ---------------------------------------------------------------


@dataclass
class Provider:
    url: str
    received: list[dict[str, Any]] = field(default_factory=list)
    # What the provider says about a well-signed request (tests switch it to an error).
    refuse: dict[str, Any] | None = None


def _serve(handle: Any) -> Iterator[Provider]:
    state = Provider(url="")
    with json_server(lambda request, body: handle(state, request.headers, body)) as base:
        state.url = base + "/"
        yield state


def _aliyun(state: Provider, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
    params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
    state.received.append(params)
    request_id = "8F6B5A2C-0D1E-4F7A-9B3C-2E5D6A7B8C9D"
    if params.get("AccessKeyId") != KEY_ID:
        return 404, {"Code": "InvalidAccessKeyId.NotFound", "RequestId": request_id}
    fixed = {
        "Action": "SendSms",
        "Version": "2017-05-25",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "Format": "JSON",
    }
    if any(params.get(k) != v for k, v in fixed.items()):
        return 400, {"Code": "MissingParameter", "RequestId": request_id}
    if params.get("Signature") != aliyun_expected_signature(SECRET, "POST", params):
        return 400, {
            "Code": "SignatureDoesNotMatch",
            "Message": "Specified signature is not matched with our calculation.",
            "RequestId": request_id,
        }
    if state.refuse is not None:
        return 200, {**state.refuse, "RequestId": request_id}
    return 200, {
        "Code": "OK",
        "Message": "OK",
        "BizId": "900619746936498^0",
        "RequestId": request_id,
    }


def _tencent(state: Provider, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
    payload = json.loads(body)
    state.received.append({"headers": {k.lower(): v for k, v in headers.items()}, "json": payload})
    request_id = "a0aabda6-cf91-4f3e-a81f-9198114a2279"
    if headers.get("X-TC-Action") != "SendSms" or headers.get("X-TC-Version") != "2021-01-11":
        return 200, {"Response": {"Error": {"Code": "InvalidAction"}, "RequestId": request_id}}
    if headers.get("Authorization") != tencent_expected_authorization(
        KEY_ID, SECRET, headers, body
    ):
        error = {
            "Code": "AuthFailure.SignatureFailure",
            "Message": "The provided credentials could not be validated.",
        }
        return 200, {"Response": {"Error": error, "RequestId": request_id}}
    status = {"Code": "Ok", "Message": "send success", **(state.refuse or {})}
    sent = [
        {"SerialNo": "5000:104571066915", "PhoneNumber": p, "Fee": 1, "IsoCode": "CN", **status}
        for p in payload["PhoneNumberSet"]
    ]
    return 200, {"Response": {"SendStatusSet": sent, "RequestId": request_id}}


@pytest.fixture
def aliyun(settings: Any) -> Iterator[Provider]:
    for state in _serve(_aliyun):
        settings.NOTIFY_SMS_BACKEND = "grassroots.notify.sms.AliyunSms"
        settings.NOTIFY_SMS = _conf(state.url)
        yield state


@pytest.fixture
def tencent(settings: Any) -> Iterator[Provider]:
    for state in _serve(_tencent):
        settings.NOTIFY_SMS_BACKEND = "grassroots.notify.sms.TencentSms"
        settings.NOTIFY_SMS = {**_conf(state.url), "APP_ID": "1400787878"}
        yield state


def _conf(url: str, secret: str = SECRET) -> dict[str, Any]:
    return {
        "KEY_ID": KEY_ID,
        "KEY_SECRET": secret,
        "SIGN_NAME": "明月镇政府",
        "ENDPOINT": url,
        "TEMPLATES": {
            "case": {"id": "SMS_465921", "params": ["code", "url"]},
            "*": "SMS_100001",
        },
    }


def _notify_sam(town: Town, settings: Any, capture: Any) -> None:
    settings.SITE_URL = "https://gr.example.cn"
    services.preference_update(actor=town.sam, sms_enabled=True, phone="138 0000 1111")
    # The number is sealed at rest: only the adapter, at send time, sees it in clear.
    stored = Preference.objects.get(user=town.sam).phone
    assert stored.startswith("g1:") and "13800001111" not in stored
    with clock.frozen(T0), capture(execute=True):
        services.notify(
            recipients=[town.sam],
            message="case.assigned",
            params={"code": "A-9"},
            url="/cases/9/",
        )


# --- Aliyun ----------------------------------------------------------------------


def test_aliyun_gets_a_signed_sendsms_with_the_template_and_an_absolute_link(
    town: Town, aliyun: Provider, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _notify_sam(town, settings, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(channel="sms").status == "sent"
    [request] = aliyun.received
    assert request["PhoneNumbers"] == "13800001111"
    assert request["SignName"] == "明月镇政府"
    assert request["TemplateCode"] == "SMS_465921"
    assert json.loads(request["TemplateParam"]) == {
        "code": "A-9",
        "url": "https://gr.example.cn/cases/9/",
    }
    assert request["Timestamp"] == "2026-03-02T01:30:00Z"
    assert request["RegionId"] == "cn-hangzhou"


def test_a_wrong_secret_is_refused_by_the_provider_and_retried(
    town: Town, aliyun: Provider, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_SMS = _conf(aliyun.url, secret="not-the-secret")
    _notify_sam(town, settings, django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get(channel="sms")
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "SignatureDoesNotMatch" in delivery.last_error


def test_aliyun_errors_carry_the_providers_code(aliyun: Provider) -> None:
    aliyun.refuse = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5"}
    message = SmsMessage(kind="notify.test", text="t", params={"title": "测试", "url": "u"})
    with pytest.raises(DeliveryError) as failed:
        sms.AliyunSms().send("13800001111", message)
    assert failed.value.code == "isv.BUSINESS_LIMIT_CONTROL"
    # The "*" template, with the default parameters.
    assert aliyun.received[0]["TemplateCode"] == "SMS_100001"
    assert json.loads(aliyun.received[0]["TemplateParam"]) == {"title": "测试", "url": "u"}


# --- Tencent Cloud ----------------------------------------------------------------


def test_tencent_gets_a_tc3_signed_sendsms_with_the_template_and_an_absolute_link(
    town: Town, tencent: Provider, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _notify_sam(town, settings, django_capture_on_commit_callbacks)
    assert Delivery.objects.get(channel="sms").status == "sent"
    [request] = tencent.received
    assert request["json"] == {
        "PhoneNumberSet": ["+8613800001111"],
        "SmsSdkAppId": "1400787878",
        "SignName": "明月镇政府",
        "TemplateId": "SMS_465921",
        "TemplateParamSet": ["A-9", "https://gr.example.cn/cases/9/"],
    }
    assert request["headers"]["x-tc-timestamp"] == str(int(T0.timestamp()))
    assert request["headers"]["authorization"].startswith(
        f"TC3-HMAC-SHA256 Credential={KEY_ID}/2026-03-02/sms/tc3_request, "
    )


def test_tencent_refusals_carry_the_providers_code(tencent: Provider, settings: Any) -> None:
    message = SmsMessage(kind="case.assigned", text="t", params={"code": "A-1", "url": "u"})
    tencent.refuse = {"Code": "LimitExceeded.PhoneNumberDailyLimit", "Message": "daily limit"}
    with pytest.raises(DeliveryError) as failed:
        sms.TencentSms().send("13800001111", message)
    assert failed.value.code == "LimitExceeded.PhoneNumberDailyLimit"
    tencent.refuse = None
    settings.NOTIFY_SMS = {**settings.NOTIFY_SMS, "KEY_SECRET": "wrong"}
    with pytest.raises(DeliveryError) as failed:
        sms.TencentSms().send("13800001111", message)
    assert failed.value.code == "AuthFailure.SignatureFailure"


# --- templates and numbers -----------------------------------------------------------


def test_a_kind_finds_its_template_by_prefix_then_star() -> None:
    templates = {"case": "T1", "case.warning": {"id": "T2", "params": ["code", "due"]}}
    assert sms.template_for("case.warning", templates) == ("T2", ("code", "due"))
    assert sms.template_for("case.reopened", templates) == ("T1", ("title", "url"))
    with pytest.raises(DeliveryError) as failed:
        sms.template_for("duties.assigned", templates)
    assert failed.value.code == "no_template"
    assert sms.template_for("duties.assigned", {**templates, "*": "T0"})[0] == "T0"


def test_only_mobile_numbers_and_complete_settings_are_sent_to(
    aliyun: Provider, settings: Any
) -> None:
    message = SmsMessage(kind="case", text="t", params={})
    with pytest.raises(DeliveryError) as failed:
        sms.AliyunSms().send("057188886666", message)  # a landline
    assert failed.value.code == "not_mobile"
    settings.NOTIFY_SMS = {**settings.NOTIFY_SMS, "SIGN_NAME": ""}
    with pytest.raises(DeliveryError) as failed:
        sms.AliyunSms()
    assert failed.value.code == "config"
    assert aliyun.received == []
