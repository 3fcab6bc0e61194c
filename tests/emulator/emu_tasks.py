"""Generation tasks: fetch the app from AppUrl, check it, build the SDK zip."""

import datetime
import hashlib
import os
import shutil
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import emu_sdkzip

APP_TIMEOUT_SECONDS = 30
APP_SIZE_CAP = 4 << 30

GENERATING = "generating"
SUCCEEDED = "succeeded"
FAILED = "failed"


class AppFetchError(Exception):
    pass


class Task:
    def __init__(self, task_id, owner, app_url, platform, delay):
        self.id = task_id
        self.owner = owner          # AccessKeyId that created it
        self.app_url = app_url
        self.platform_param = platform
        self.submitted = time.time()
        self.ready_at = self.submitted + delay
        self.state = GENERATING
        self.reason = None          # why generation failed
        self.sdk_path = None
        self.sdk_size = None
        self.sdk_sha256 = None

    @property
    def etag(self):
        return '"%s"' % self.sdk_sha256


def url_without_query(url):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def fetch_app(url, dest, ca_file=None, timeout=APP_TIMEOUT_SECONDS,
              cap=APP_SIZE_CAP):
    """Download url to dest; return the SHA-256 hex of the bytes."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise AppFetchError("app unreachable (unsupported address scheme %r)"
                            % scheme)
    context = ssl.create_default_context(cafile=ca_file)
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=context))
    digest = hashlib.sha256()
    size = 0
    try:
        with opener.open(url, timeout=timeout) as response, \
                open(dest, "wb") as out:
            for block in iter(lambda: response.read(1 << 20), b""):
                size += len(block)
                if size > cap:
                    raise AppFetchError("app too large (over %d bytes)" % cap)
                digest.update(block)
                out.write(block)
    except urllib.error.HTTPError as error:
        raise AppFetchError("app unreachable (HTTP %d from %s)"
                            % (error.code, url_without_query(url))) from None
    except urllib.error.URLError as error:
        raise AppFetchError("app unreachable (%s)" % (error.reason,)) from None
    except (socket.timeout, TimeoutError):
        raise AppFetchError("app unreachable (timed out after %d s)"
                            % timeout) from None
    except (OSError, ValueError) as error:
        raise AppFetchError("app unreachable (%s)" % (error,)) from None
    return digest.hexdigest()


class TaskStore:
    def __init__(self, workdir, stats, delay=2.0, sdk_size=None, app_ca_file=None,
                 sdk_file=None):
        self._workdir = workdir
        self._sdk_file = sdk_file
        self._stats = stats
        self._delay = delay
        self._sdk_size = sdk_size
        self._app_ca_file = app_ca_file
        self._tasks = {}
        self._lock = threading.Lock()
        os.makedirs(os.path.join(workdir, "apps"), exist_ok=True)
        os.makedirs(os.path.join(workdir, "sdk"), exist_ok=True)

    def create(self, owner, app_url, platform=None, fail_reason=None):
        task = Task(uuid.uuid4().hex, owner, app_url, platform, self._delay)
        with self._lock:
            self._tasks[task.id] = task
        self._stats.incr("tasks", "created")
        worker = threading.Thread(target=self._run, args=(task, fail_reason),
                                  name="task-" + task.id, daemon=True)
        worker.start()
        return task

    def get(self, task_id):
        with self._lock:
            return self._tasks.get(task_id)

    def _run(self, task, fail_reason):
        outcome = {}
        if fail_reason:
            outcome["reason"] = fail_reason
        else:
            try:
                outcome.update(self._generate(task))
            except (AppFetchError, emu_sdkzip.NotAnApp) as error:
                outcome["reason"] = str(error)
            except Exception as error:  # keep the task honest: it fails visibly
                outcome["reason"] = "internal error while generating (%s)" % error
        wait = task.ready_at - time.time()
        if wait > 0:
            time.sleep(wait)
        with self._lock:
            if "reason" in outcome:
                task.state, task.reason = FAILED, outcome["reason"]
            else:
                task.sdk_path = outcome["path"]
                task.sdk_sha256 = outcome["sha256"]
                task.sdk_size = outcome["size"]
                task.state = SUCCEEDED
        self._stats.incr("tasks", task.state)

    def _generate(self, task):
        app_path = os.path.join(self._workdir, "apps", task.id)
        try:
            app_sha256 = fetch_app(task.app_url, app_path, self._app_ca_file)
            platform = emu_sdkzip.inspect_app(app_path)
        finally:
            try:
                os.unlink(app_path)
            except OSError:
                pass
        license_info = {
            "task_id": task.id,
            "app_sha256": app_sha256,
            "platform": platform,
            "app_url": url_without_query(task.app_url),
            "issued_at": datetime.datetime.now(datetime.timezone.utc)
                                         .strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        sdk_path = os.path.join(self._workdir, "sdk", task.id + ".zip")
        if self._sdk_file:
            # A test's own (possibly hostile) archive stands in for the generated SDK.
            shutil.copyfile(self._sdk_file, sdk_path)
            with open(sdk_path, "rb") as served:
                return {"path": sdk_path, "sha256": hashlib.file_digest(served, "sha256").hexdigest(),
                        "size": os.path.getsize(sdk_path)}
        sha256, size = emu_sdkzip.build_sdk(sdk_path, task.id, license_info,
                                            self._sdk_size)
        return {"path": sdk_path, "sha256": sha256, "size": size}
