"""SMS gateways of the two providers Chinese governments use most: Aliyun and Tencent Cloud.

Both send a registered template (approved by the provider, with a registered
signature 签名) filled with parameters, never free text. Which template a notice
uses is configuration (`settings.NOTIFY_SMS["TEMPLATES"]`, from the JSON of
`GRASSROOTS_SMS_TEMPLATES`): a notice kind (or a prefix of it, or "*") maps to a
template id, or to `{"id": ..., "params": [...]}` naming the notice parameters
the template takes, in order (default `["title", "url"]`). The parameters are the
notice's own (`code`, ...) plus `title` and `url` (absolute), see
`channels.sms_message`.

The request formats and signatures are written from the providers' public API
documentation:

- Aliyun SMS (dysmsapi, RPC style, version 2017-05-25): the parameters, common
  ones included, sorted by name and percent-encoded (RFC 3986: only letters,
  digits and `-_.~` left as they are), joined with `&`; the string to sign is
  `POST&%2F&` + the percent-encoded joined string; the signature is
  base64(HMAC-SHA1(AccessKeySecret + "&", string to sign)).
- Tencent Cloud SMS (API 3.0, version 2021-01-11): TC3-HMAC-SHA256 over a
  canonical request (method, `/`, empty query, the signed headers, the SHA-256
  of the JSON body), with a key derived from `"TC3" + SecretKey` through the date,
  the service (`sms`) and `tc3_request`.

The endpoint can be overridden (`GRASSROOTS_SMS_ENDPOINT`) so tests talk to a
local server. Every failure is a `channels.DeliveryError` carrying the
provider's error code.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings

from grassroots.core import clock
from grassroots.notify.channels import TIMEOUT_SECONDS, DeliveryError, SmsMessage

DEFAULT_PARAMS = ("title", "url")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def template_for(kind: str, templates: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """(template id, parameter names) for a notice kind: the kind, its prefixes, then "*"."""
    parts = kind.split(".") if kind else []
    candidates = [".".join(parts[:n]) for n in range(len(parts), 0, -1)] + ["*"]
    for name in candidates:
        entry = templates.get(name)
        if isinstance(entry, str) and entry:
            return entry, DEFAULT_PARAMS
        if isinstance(entry, Mapping) and entry.get("id"):
            names = entry.get("params", DEFAULT_PARAMS)
            return str(entry["id"]), tuple(str(n) for n in names)
    raise DeliveryError(f"no SMS template for notice kind {kind!r}", code="no_template")


def mobile(phone: str) -> str:
    phone = phone.removeprefix("+86")
    if not MOBILE.match(phone):
        raise DeliveryError("not a mobile phone number", code="not_mobile")
    return phone


def _exchange(request: urllib.request.Request) -> dict[str, Any]:
    """Send; the provider's JSON answer, also from an HTTP error (it says what went wrong)."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raw = exc.read(65536)
        if not raw:
            raise DeliveryError(f"HTTP {exc.code}", code=f"HTTP{exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"connection failed: {exc}", code="connection") from exc
    try:
        answer = json.loads(raw)
    except ValueError as exc:
        raise DeliveryError("answer is not JSON", code="bad_answer") from exc
    if not isinstance(answer, dict):
        raise DeliveryError("answer is not a JSON object", code="bad_answer")
    return answer


class Gateway:
    """What both providers share: the settings, the template lookup."""

    default_endpoint = ""

    def __init__(self, conf: Mapping[str, Any] | None = None) -> None:
        self.conf = dict(conf if conf is not None else settings.NOTIFY_SMS)
        self.endpoint = self.conf.get("ENDPOINT") or self.default_endpoint
        if urllib.parse.urlsplit(self.endpoint).scheme not in ("http", "https"):
            raise DeliveryError("SMS endpoint must be an http(s) address", code="config")
        for name in ("KEY_ID", "KEY_SECRET", "SIGN_NAME"):
            if not self.conf.get(name):
                raise DeliveryError(f"SMS setting {name} is empty", code="config")

    def template(self, message: SmsMessage) -> tuple[str, dict[str, str]]:
        """The template id and its parameters, by name in the template's order."""
        template_id, names = template_for(message.kind, self.conf.get("TEMPLATES") or {})
        return template_id, {name: message.params.get(name, "") for name in names}


# --- Aliyun --------------------------------------------------------------------


def pop_encode(value: str) -> str:
    """RFC 3986 percent-encoding as Aliyun's POP signature wants it (space is %20, ~ stays)."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_signature(secret: str, method: str, params: Mapping[str, str]) -> str:
    query = "&".join(f"{pop_encode(k)}={pop_encode(params[k])}" for k in sorted(params))
    to_sign = f"{method}&{pop_encode('/')}&{pop_encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms(Gateway):
    default_endpoint = "https://dysmsapi.aliyuncs.com/"

    def params(self, phone: str, message: SmsMessage) -> dict[str, str]:
        template_id, values = self.template(message)
        params = {
            "AccessKeyId": self.conf["KEY_ID"],
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": self.conf.get("REGION") or "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": clock.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": mobile(phone),
            "SignName": self.conf["SIGN_NAME"],
            "TemplateCode": template_id,
            "TemplateParam": json.dumps(values, ensure_ascii=False),
        }
        params["Signature"] = aliyun_signature(self.conf["KEY_SECRET"], "POST", params)
        return params

    def send(self, phone: str, message: SmsMessage) -> None:
        body = urllib.parse.urlencode(self.params(phone, message), quote_via=urllib.parse.quote)
        request = urllib.request.Request(  # noqa: S310 - scheme checked in Gateway
            self.endpoint,
            data=body.encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        answer = _exchange(request)
        code = str(answer.get("Code", ""))
        if code != "OK":
            raise DeliveryError(f"Aliyun SMS {code}: {answer.get('Message', '')}", code=code)


# --- Tencent Cloud -----------------------------------------------------------------

TC3 = "TC3-HMAC-SHA256"
TENCENT_SERVICE = "sms"
TENCENT_VERSION = "2021-01-11"
JSON_TYPE = "application/json; charset=utf-8"


def _hmac256(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tc3_authorization(
    *, secret_id: str, secret_key: str, host: str, action: str, body: bytes, timestamp: int
) -> str:
    """The Authorization header of a TC3-HMAC-SHA256 signed POST of a JSON body to `/`."""
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    signed_headers = "content-type;host;x-tc-action"
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            # Names and values in lower case, each line ending in a newline.
            f"content-type:{JSON_TYPE}\nhost:{host.lower()}\nx-tc-action:{action.lower()}\n",
            signed_headers,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{TENCENT_SERVICE}/tc3_request"
    to_sign = f"{TC3}\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = _hmac256(f"TC3{secret_key}".encode(), date)
    key = _hmac256(key, TENCENT_SERVICE)
    key = _hmac256(key, "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"{TC3} Credential={secret_id}/{scope}, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


class TencentSms(Gateway):
    default_endpoint = "https://sms.tencentcloudapi.com/"

    def __init__(self, conf: Mapping[str, Any] | None = None) -> None:
        super().__init__(conf)
        if not self.conf.get("APP_ID"):
            raise DeliveryError("SMS setting APP_ID is empty", code="config")

    def payload(self, phone: str, message: SmsMessage) -> dict[str, Any]:
        template_id, values = self.template(message)
        return {
            "PhoneNumberSet": [f"+86{mobile(phone)}"],
            "SmsSdkAppId": self.conf["APP_ID"],
            "SignName": self.conf["SIGN_NAME"],
            "TemplateId": template_id,
            "TemplateParamSet": list(values.values()),
        }

    def send(self, phone: str, message: SmsMessage) -> None:
        body = json.dumps(self.payload(phone, message), ensure_ascii=False).encode()
        host = urllib.parse.urlsplit(self.endpoint).netloc
        timestamp = int(clock.now().timestamp())
        headers = {
            "Authorization": tc3_authorization(
                secret_id=self.conf["KEY_ID"],
                secret_key=self.conf["KEY_SECRET"],
                host=host,
                action="SendSms",
                body=body,
                timestamp=timestamp,
            ),
            "Content-Type": JSON_TYPE,
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": TENCENT_VERSION,
            "X-TC-Region": self.conf.get("REGION") or "ap-guangzhou",
        }
        request = urllib.request.Request(  # noqa: S310 - scheme checked in Gateway
            self.endpoint, data=body, method="POST", headers=headers
        )
        answer = _exchange(request).get("Response")
        if not isinstance(answer, dict):
            raise DeliveryError("Tencent SMS answer has no Response", code="bad_answer")
        error = answer.get("Error")
        if isinstance(error, dict):
            code = str(error.get("Code", ""))
            raise DeliveryError(f"Tencent SMS {code}: {error.get('Message', '')}", code=code)
        statuses = answer.get("SendStatusSet") or [{}]
        status = statuses[0] if isinstance(statuses[0], dict) else {}
        code = str(status.get("Code", ""))
        if code != "Ok":
            raise DeliveryError(f"Tencent SMS {code}: {status.get('Message', '')}", code=code)
