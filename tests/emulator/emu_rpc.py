"""The RPC API at `/`: validation, scripted faults, the two actions."""

import math
import time

import emu_render
import emu_tasks
from emu_auth import ACTIONS, RpcRequest, Validator, missing, parse_pairs
from emu_render import ApiError

HUGE_BODY_BYTES = 2 << 20
BAD_TASK_ID = "../evil\n"
BAD_SDK_URL = "file:///etc/passwd"
GENERATE_FAILED = "VerifySDK.GenerateFailed"


class Reply:
    """What to answer. transport: None, "drop", "drop-mid" or "malformed"."""

    def __init__(self, status, content_type, body, request_id, code=None,
                 headers=None, accepted=False):
        self.status = status
        self.content_type = content_type
        self.body = body
        self.request_id = request_id
        self.code = code
        self.headers = list(headers or [])
        self.accepted = accepted
        self.transport = None


class RpcService:
    def __init__(self, ctx):
        self.ctx = ctx
        self.validator = Validator(ctx.credentials, ctx.nonces)

    def handle(self, method, query, form, host):
        """Answer one RPC request; query/form are the raw encoded texts."""
        ctx = self.ctx
        request_id = emu_render.new_request_id()
        request = RpcRequest(method, parse_pairs(query), parse_pairs(form))
        action = request.get("Action")
        if action:
            ctx.stats.incr("actions", action)
        fault = ctx.faults.select(["*"] + ([action] if action in ACTIONS else []))
        applied = None
        try:
            credential = self.validator.validate(request)
            if fault is not None:
                applied = fault
                ctx.stats.incr("faults", fault.text)
                reply = self._faulted(fault, request, credential, request_id, host)
            else:
                reply = self._perform(request, credential, request_id, host)
        except ApiError as error:
            reply = self.error_reply(error, request.format, request_id)
        if reply.accepted:
            ctx.stats.incr("accepted", action)
        if reply.code:  # errors and business failures
            ctx.stats.incr("errors", reply.code)
        ctx.request_log.add({
            "action": action,
            "method": method,
            "params_in": request.params_in,
            "nonce": request.get("SignatureNonce"),
            "timestamp": request.get("Timestamp"),
            "access_key_id": request.get("AccessKeyId"),
            "had_security_token": "SecurityToken" in request.params,
            "status": None if reply.transport == "drop" else reply.status,
            "code": reply.code,
            "request_id": request_id,
            "fault": applied.text if applied else None,
        })
        return reply

    @staticmethod
    def error_reply(error, fmt, request_id):
        content_type, body = emu_render.render_error(error, fmt, request_id)
        return Reply(error.status, content_type, body, request_id, error.code,
                     error.headers)

    def _ok(self, root, fields, fmt, request_id, accepted=True, code=None):
        content_type, body = emu_render.render(root, fields, fmt)
        return Reply(200, content_type, body, request_id, code=code,
                     accepted=accepted)

    def _perform(self, request, credential, request_id, host, fail_reason=None):
        if request.get("Action") == "CreateVerifySDK":
            return self._create(request, credential, request_id, fail_reason)
        return self._describe(request, credential, request_id, host)

    def _create(self, request, credential, request_id, fail_reason):
        app_url = request.get("AppUrl") or request.get("Url")
        if not app_url:
            raise missing("AppUrl")
        task = self.ctx.tasks.create(credential.key_id, app_url,
                                     request.get("Platform"), fail_reason)
        fields = emu_render.create_fields(request_id, task.id,
                                          self.ctx.response_style)
        return self._ok("CreateVerifySDKResponse", fields, request.format,
                        request_id)

    def _describe(self, request, credential, request_id, host):
        task_id = request.get("TaskId")
        if not task_id:
            raise missing("TaskId")
        task = self.ctx.tasks.get(task_id)
        if task is None or task.owner != credential.key_id:
            raise ApiError(400, "InvalidParameter.TaskId",
                           "The specified parameter TaskId is not valid: "
                           "no such task.")
        root = "DescribeVerifySDKResponse"
        if task.state == emu_tasks.FAILED:
            fields = emu_render.business_failure_fields(
                request_id, GENERATE_FAILED, task.reason)
            return self._ok(root, fields, request.format, request_id,
                            code=GENERATE_FAILED)
        sdk_url = ""
        if task.state == emu_tasks.SUCCEEDED:
            sdk_url = self.sdk_url(task.id, host)
        fields = emu_render.describe_fields(request_id, sdk_url,
                                            self.ctx.response_style)
        return self._ok(root, fields, request.format, request_id)

    def sdk_url(self, task_id, host):
        expires = math.ceil(time.time() + self.ctx.download_ttl)
        signature = self.ctx.download_signer.sign(task_id, expires)
        return "%s://%s/sdk/%s.zip?Expires=%d&Signature=%s" % (
            self.ctx.scheme, host or self.ctx.default_host, task_id, expires,
            signature)

    def _faulted(self, fault, request, credential, request_id, host):
        kind, fmt = fault.kind, request.format
        if kind == "error":
            message = emu_render.KNOWN_MESSAGES.get(
                fault.code, "The request was rejected (injected fault %s)."
                % fault.code)
            raise ApiError(fault.status, fault.code, message)
        if kind == "throttle":
            headers = []
            if fault.seconds is not None:
                headers.append(("Retry-After", str(fault.seconds)))
            raise ApiError(400, "Throttling.User",
                           emu_render.KNOWN_MESSAGES["Throttling.User"], headers)
        if kind == "delay":
            time.sleep(fault.seconds)
            return self._perform(request, credential, request_id, host)
        if kind == "fail-generation":
            return self._perform(request, credential, request_id, host,
                                 "generation failed (injected fault)")
        if kind in ("malformed", "drop-mid"):
            try:
                reply = self._perform(request, credential, request_id, host)
            except ApiError as error:
                reply = self.error_reply(error, fmt, request_id)
            reply.transport = kind
            return reply
        if kind == "drop":
            reply = Reply(None, None, b"", request_id)
            reply.transport = "drop"
            return reply
        if kind == "html":
            return Reply(200, "text/html;charset=utf-8", emu_render.HTML_BODY,
                         request_id)
        if kind == "empty":
            content_type = (emu_render.JSON_TYPE if fmt == "JSON"
                            else emu_render.XML_TYPE)
            return Reply(200, content_type, b"", request_id)
        if kind == "huge":
            return self._huge(fmt, request_id)
        if kind == "bad-taskid":
            style = self.ctx.response_style
            if request.get("Action") == "CreateVerifySDK":
                root = "CreateVerifySDKResponse"
                fields = emu_render.create_fields(request_id, BAD_TASK_ID, style)
            else:
                root = "DescribeVerifySDKResponse"
                fields = emu_render.describe_fields(request_id, BAD_SDK_URL, style)
            return self._ok(root, fields, fmt, request_id, accepted=False)
        raise AssertionError("fault kind %r cannot apply to RPC" % kind)

    def _huge(self, fmt, request_id):
        fields = emu_render.error_fields("InternalError", "", request_id)
        _, base = emu_render.render("Error", fields, fmt)
        fields["Message"] = "x" * (HUGE_BODY_BYTES - len(base))
        content_type, body = emu_render.render("Error", fields, fmt)
        return Reply(200, content_type, body, request_id)
