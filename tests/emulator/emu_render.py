"""Response bodies: Alibaba-shaped errors and action results, in JSON or XML."""

import json
import urllib.parse
import uuid
from xml.sax.saxutils import escape

HOST_ID = "cloudauth.aliyuncs.com"
JSON_TYPE = "application/json;charset=utf-8"
XML_TYPE = "text/xml;charset=utf-8"
HTML_BODY = b"<html><body>502 Bad Gateway</body></html>"

# Messages Alibaba uses for the codes the emulator produces on its own.
KNOWN_MESSAGES = {
    "ServiceUnavailable":
        "The request has failed due to a temporary failure of the server.",
    "InternalError":
        "The request processing has failed due to some unknown error, "
        "exception or failure.",
    "Throttling.User": "Request was denied due to user flow control.",
    "Throttling": "Request was denied due to request throttling.",
    "Throttling.Api": "Request was denied due to api flow control.",
}


class ApiError(Exception):
    """An error answer: HTTP status, Alibaba Code and Message, extra headers."""

    def __init__(self, status, code, message, headers=None):
        super().__init__("%d %s: %s" % (status, code, message))
        self.status = status
        self.code = code
        self.message = message
        self.headers = list(headers or [])


def new_request_id():
    return str(uuid.uuid4()).upper()


def recommend_url(code):
    return ("https://api.aliyun.com/troubleshoot?q=%s&product=Cloudauth"
            % urllib.parse.quote(code, safe=".-_"))


def _xml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "".join("<%s>%s</%s>" % (k, _xml_value(v), k)
                       for k, v in value.items())
    return escape(str(value))


def render(root, fields, fmt):
    """fields is an ordered dict; returns (content_type, body bytes).

    JSON gives the fields as one object (the root name is not used, as in
    Alibaba's JSON answers); XML wraps them in <root>.
    """
    if fmt == "JSON":
        return JSON_TYPE, json.dumps(fields, ensure_ascii=False).encode("utf-8")
    text = "<?xml version='1.0' encoding='UTF-8'?><%s>%s</%s>" % (
        root, _xml_value(fields), root)
    return XML_TYPE, text.encode("utf-8")


def error_fields(code, message, request_id):
    return {
        "RequestId": request_id,
        "HostId": HOST_ID,
        "Code": code,
        "Message": message,
        "Recommend": recommend_url(code),
    }


def render_error(error, fmt, request_id):
    return render("Error", error_fields(error.code, error.message, request_id),
                  fmt)


def render_storage_error(code, message, request_id):
    """Error body of the download endpoints (OSS-like, always XML)."""
    fields = {"Code": code, "Message": message, "RequestId": request_id,
              "HostId": HOST_ID}
    return render("Error", fields, "XML")


def create_fields(request_id, task_id, style):
    if style == "current":
        return {"RequestId": request_id, "TaskId": task_id}
    return {"RequestId": request_id, "Success": True, "Code": "1",
            "Data": {"TaskId": task_id}}


def describe_fields(request_id, sdk_url, style):
    if style == "current":
        return {"RequestId": request_id, "SdkUrl": sdk_url}
    key = "Url" if style == "data-url" else "SdkUrl"
    return {"RequestId": request_id, "Success": True, "Code": "1",
            "Data": {key: sdk_url}}


def business_failure_fields(request_id, code, message):
    return {"RequestId": request_id, "Success": False, "Code": code,
            "Message": message}
