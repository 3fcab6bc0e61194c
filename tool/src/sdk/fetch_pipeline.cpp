#include "sdk/fetch_pipeline.hpp"

#include "api/cloudauth_client.hpp"
#include "api/redaction.hpp"
#include "crypto/digest.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "net/curl_http_client.hpp"
#include "net/endpoint.hpp"
#include "sdk/app_digest.hpp"
#include "sdk/app_inspector.hpp"
#include "sdk/archive_extractor.hpp"
#include "sdk/atomic_install.hpp"
#include "sdk/directory_lock.hpp"
#include "sdk/generation_waiter.hpp"
#include "sdk/sdk_download.hpp"
#include "sdk/state_paths.hpp"
#include "sdk/task_state.hpp"
#include "sdk/url_redaction.hpp"

#include <cctype>
#include <functional>
#include <memory>
#include <vector>

namespace verifysdk::sdk {

namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

// What the installed SDK must match for a run to do nothing.
struct Wanted {
    std::string app_url; // query string dropped
    std::string app_sha256;
    std::string platform;
    std::string options_digest;
};

std::string options_digest(const api::ClientSettings& settings, const std::string& platform) {
    return crypto::sha256_hex(settings.endpoint.host + "\n" + settings.api_version + "\n" +
                              platform);
}

// Cheap check (no hashing, so an up-to-date build costs milliseconds): every
// file of the manifest is there with its size. `verify` does the full check.
bool files_present(const fs::path& dest, const Manifest& manifest) {
    for (const auto& file : manifest.files) {
        std::error_code error;
        const auto status = fs::symlink_status(dest / file.path, error);
        if (error)
            return false;
        if (fs::is_regular_file(status) && fs::file_size(dest / file.path, error) != file.size)
            return false;
    }
    return true;
}

bool matches(const Manifest& manifest, const Wanted& wanted) {
    return manifest.app_url == wanted.app_url &&
           (wanted.app_sha256.empty() || manifest.app_sha256 == wanted.app_sha256) &&
           manifest.options_digest == wanted.options_digest;
}

std::string archive_name_from(const std::string& sdk_url) {
    const std::string path = strip_query(sdk_url);
    const auto slash = path.find_last_of('/');
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
            return "cloudauth-offline-sdk.bin";
    return name.empty() || name.find_first_not_of('.') == std::string::npos
               ? "cloudauth-offline-sdk.bin"
               : name;
}

void remove_quietly(const fs::path& path) {
    std::error_code ignored;
    fs::remove_all(path, ignored);
}

// The app's SHA-256 through the digest cache in the state folder, so an
// unchanged app is not hashed again; where that folder cannot be made (a
// read-only checkout with --offline), it is hashed directly.
std::string cached_app_sha256(const StatePaths& paths, const fs::path& app_file) {
    try {
        ensure_state_root(paths);
    } catch (const Error&) {
        return crypto::sha256_file_hex(app_file);
    }
    return app_sha256_cached(app_file, paths.digest_cache);
}

// Anything in the state folder besides what it always keeps: a run was killed
// after installing but before its clean-up. One readdir, so the up-to-date
// path stays cheap.
bool has_leftovers(const StatePaths& paths) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(paths.root, error)) {
        const std::string name = entry.path().filename().string();
        if (name != "lock" && name != "app-digest.json" && name != ".gitignore")
            return true;
    }
    return false;
}

class Fetcher {
public:
    Fetcher(const FetchOptions& options, const FetchEnvironment& environment)
        : options_(options), env_(environment), log_(environment.log),
          paths_(state_paths_for(options.dest)),
          publisher_(options.upload, options.app_url, options.app_file) {}

    FetchOutcome run();

private:
    Wanted wanted();
    std::string app_sha256(const fs::path& app_file) { return cached_app_sha256(paths_, app_file); }
    FetchOutcome install_from_service(const Wanted& wanted);
    void clear_leftovers(const std::string& installed_task);
    std::string submit_or_resume(net::HttpClient& http, api::CloudauthClient& client,
                                 const Wanted& wanted, const auth::Credentials& credentials,
                                 system_clock::time_point& submitted_at, FetchOutcome& outcome);

    const FetchOptions& options_;
    const FetchEnvironment& env_;
    const Log& log_;
    StatePaths paths_;
    AppPublisher publisher_;
    // Parts of a presigned app address: scrubbed from every line the Cloudauth
    // client logs and from its error messages.
    std::shared_ptr<std::vector<std::string>> secrets_ =
        std::make_shared<std::vector<std::string>>();
    PublishedApp published_;
};

// Finishes the clean-up of a run killed after its swap: temporary folders go,
// and the state of the task that is now installed (never another one's).
// When another run holds the lock, its files are not leftovers: leave them.
void Fetcher::clear_leftovers(const std::string& installed_task) {
    std::optional<DirectoryLock> lock;
    try {
        lock.emplace(DirectoryLock::acquire(paths_.lock_file, std::chrono::milliseconds(0), {},
                                            paths_.dest));
    } catch (const Error&) {
        return;
    }
    recover_interrupted_install(paths_);
    const auto saved = read_task_state(paths_.state_file, [](const std::string&) {});
    if (!saved || saved->task_id == installed_task) {
        remove_task_state(paths_.state_file);
        remove_quietly(paths_.download_part);
        remove_quietly(paths_.root / "download.json");
    }
}

Wanted Fetcher::wanted() {
    Wanted wanted;
    wanted.app_url = publisher_.stored_url();
    if (!options_.app_file.empty()) {
        std::error_code error;
        if (!fs::is_regular_file(options_.app_file, error))
            throw usage_error("--app-file " + options_.app_file.string() + " is not a file",
                              "build the app first, or pass the path of the built APK/IPA");
        wanted.app_sha256 = app_sha256(options_.app_file);
    }
    wanted.platform = options_.platform;
    if (wanted.platform.empty() && !options_.app_file.empty())
        wanted.platform = detect_platform(options_.app_file).value_or("");
    if (wanted.platform.empty())
        wanted.platform = platform_from_url(wanted.app_url).value_or("");
    wanted.options_digest = options_digest(env_.settings, wanted.platform);
    return wanted;
}

FetchOutcome Fetcher::run() {
    const Wanted target = wanted();
    const auto installed = try_read_manifest(paths_.dest);
    const bool installed_ok = installed && files_present(paths_.dest, *installed);

    if (options_.offline) {
        if (!installed)
            throw verification_error("no SDK is installed in " + paths_.dest.string() +
                                         " and --offline forbids fetching one",
                                     "run once without --offline to install it");
        const VerifyReport report = verify_installed(paths_.dest, *installed);
        if (!report.ok())
            throw verification_error("the SDK in " + paths_.dest.string() +
                                         " does not match its manifest (run `verifysdk verify`)",
                                     "run once without --offline to reinstall it");
        if (!matches(*installed, target))
            log_.warn("the installed SDK was generated for another app build; --offline keeps it");
        return {FetchStatus::VerifiedOffline, *installed};
    }
    const auto up_to_date = [&](const std::optional<Manifest>& manifest, bool ok) {
        return ok && (options_.refresh == RefreshMode::Never ||
                      (options_.refresh == RefreshMode::Auto && matches(*manifest, target)));
    };
    if (up_to_date(installed, installed_ok) && !options_.dry_run) {
        if (has_leftovers(paths_))
            clear_leftovers(installed->task_id);
        log_.info("the SDK in " + paths_.dest.string() + " is up to date");
        return {FetchStatus::UpToDate, *installed};
    }
    return install_from_service(target);
}

std::string Fetcher::submit_or_resume(net::HttpClient& http, api::CloudauthClient& client,
                                      const Wanted& wanted, const auth::Credentials& credentials,
                                      system_clock::time_point& submitted_at,
                                      FetchOutcome& outcome) {
    TaskState want;
    want.app_url = wanted.app_url;
    want.app_sha256 = wanted.app_sha256;
    want.platform = wanted.platform;
    want.api_version = env_.settings.api_version;
    want.endpoint_host = env_.settings.endpoint.host;
    want.options_digest = wanted.options_digest;

    const auto saved = read_task_state(paths_.state_file, log_.warn);
    if (saved && options_.refresh != RefreshMode::Always &&
        is_resumable(*saved, want, system_clock::now())) {
        outcome.resumed_task = true; // the app was published when the task was submitted
        submitted_at = system_clock::from_time_t(saved->submitted_at);
        log_.info("resuming generation task " + saved->task_id);
        return saved->task_id;
    }
    // Only now, with a generation needed and none to resume, is the app uploaded.
    published_ = publisher_.publish(http, env_.transport, credentials, env_.settings.retry,
                                    wanted.app_sha256, env_.progress, log_);
    outcome.uploaded = published_.uploaded;
    *secrets_ = published_.secrets;
    log_.info("submitting " + redact_url(wanted.app_url) + " for SDK generation");
    api::CreateResult created;
    try {
        created = client.create_verify_sdk(published_.submit_url, wanted.platform);
    } catch (const Error& failure) {
        throw api::scrubbed_error(failure, *secrets_);
    }
    submitted_at = system_clock::now();
    want.task_id = created.task_id;
    want.submitted_at = system_clock::to_time_t(submitted_at);
    write_task_state(paths_.state_file, want); // before the first poll: a rerun resumes
    log_.info("generation task " + created.task_id + " submitted (RequestId " +
              created.request_id + ")");
    return created.task_id;
}

FetchOutcome Fetcher::install_from_service(const Wanted& wanted) {
    if (options_.dry_run) {
        net::CurlHttpClient http(env_.transport);
        api::CloudauthClient client(http, env_.credentials(), env_.settings, log_);
        FetchOutcome outcome{FetchStatus::DryRun};
        std::string app_url = options_.app_url;
        if (publisher_.uploads_to_oss()) {
            app_url = wanted.app_url;
            log_.info("--dry-run: nothing is uploaded; AppUrl would be a presigned address of " +
                      app_url);
        } else if (publisher_.uses_put_url()) {
            log_.info("--dry-run: the app is not PUT to --upload-put-url");
        }
        outcome.dry_run_request = client.sign_now(
            api::CloudauthClient::create_call(env_.settings, app_url, wanted.platform));
        return outcome;
    }
    ensure_state_root(paths_);
    DirectoryLock lock = DirectoryLock::acquire(
        paths_.lock_file, options_.wait_timeout,
        [&] { log_.info("another verifysdk is working on " + paths_.dest.string() + "; waiting"); },
        paths_.dest);
    recover_interrupted_install(paths_);

    // Another process may have installed it while we waited for the lock.
    if (options_.refresh != RefreshMode::Always) {
        if (auto now_installed = try_read_manifest(paths_.dest);
            now_installed && files_present(paths_.dest, *now_installed) &&
            (options_.refresh == RefreshMode::Never || matches(*now_installed, wanted))) {
            log_.info("the SDK in " + paths_.dest.string() + " is up to date");
            return {FetchStatus::UpToDate, *now_installed};
        }
    }

    net::CurlHttpClient http(env_.transport);
    const auth::Credentials credentials = env_.credentials();
    const Log client_log = api::scrubbing_log(log_, secrets_);
    api::CloudauthClient client(http, credentials, env_.settings, client_log);
    FetchOutcome outcome;
    system_clock::time_point submitted_at;
    const std::string task_id =
        submit_or_resume(http, client, wanted, credentials, submitted_at, outcome);

    WaitResult waited;
    try {
        WaitOptions wait;
        wait.timeout = options_.wait_timeout;
        wait.terminal = env_.terminal;
        waited = wait_for_sdk(client, task_id, submitted_at, wait, client_log);
    } catch (const Error& raw_failure) {
        const Error failure = api::scrubbed_error(raw_failure, *secrets_);
        if (failure.code() != ExitCode::Service)
            throw failure; // timeout, interrupt, network: keep state.json so a rerun resumes
        remove_task_state(paths_.state_file); // a failed task is not worth resuming
        std::string what =
            std::string("SDK generation for task ") + task_id + " failed: " + failure.what();
        ErrorDetails details = failure.details();
        if (publisher_.uploads_to_oss() && !outcome.resumed_task &&
            system_clock::now() > published_.expires_at) {
            // The service may have come for the app after its address expired.
            what += "; the app's presigned address expired " +
                    std::to_string(publisher_.expires_s()) +
                    " s after it was signed, which may be before the service fetched the app";
            details.hint = "raise --upload-expires (now " + std::to_string(publisher_.expires_s()) +
                           " s) so the address outlives the wait for generation";
        }
        throw Error(failure.code(), what, details);
    }
    outcome.describe_calls = waited.checks;

    const DownloadTarget target{paths_.download_part, paths_.root / "download.json", task_id};
    const auto refresh_address = [&] {
        auto again = client.describe_verify_sdk(task_id);
        if (!again.ready())
            throw Error(ExitCode::Service, "task " + task_id + " lost its SDK address");
        return again.sdk_url;
    };
    const auto redirect_problem = [&](const std::string& url) {
        return net::download_address_problem(url, env_.settings.endpoint);
    };
    DownloadedSdk sdk;
    try {
        sdk = download_sdk(http, waited.sdk_url, refresh_address, redirect_problem, target,
                           env_.settings.retry,
                           env_.progress, log_);
    } catch (const Error& failure) {
        if (failure.code() == ExitCode::Verification) {
            // Not an SDK (an error page, nothing): never resume from it.
            remove_quietly(paths_.download_part);
            remove_quietly(target.meta_file);
            remove_task_state(paths_.state_file);
        }
        throw;
    }
    log_.info("downloaded " + human_bytes(sdk.size) + " (SHA-256 " + sdk.sha256 + ")");

    remove_quietly(paths_.staging);
    try {
        const ExtractResult extracted =
            extract_sdk_archive(paths_.download_part, paths_.staging, archive_name_from(waited.sdk_url));
        const std::string name = archive_name_from(waited.sdk_url);
        if (extracted.kind == "file" &&
            (name.ends_with(".zip") || name.ends_with(".tar.gz") || name.ends_with(".tgz")))
            throw verification_error("the SDK download " + name + " is not an archive",
                                     "run again later; report the TaskId if it persists");
        log_.info("unpacked " + std::to_string(extracted.entries) + " entries (" + extracted.kind +
                  ", " + human_bytes(extracted.bytes) + ")");
    } catch (const Error& failure) {
        remove_quietly(paths_.staging);
        if (failure.code() == ExitCode::Verification) {
            // A bad archive is not worth resuming: start from scratch next time.
            remove_quietly(paths_.download_part);
            remove_quietly(target.meta_file);
            remove_task_state(paths_.state_file);
        }
        throw;
    }

    Manifest manifest;
    manifest.tool_version = VERIFYSDK_VERSION;
    manifest.api_version = env_.settings.api_version;
    manifest.endpoint_host = env_.settings.endpoint.host;
    manifest.app_url = wanted.app_url;
    manifest.app_sha256 = wanted.app_sha256;
    manifest.platform = wanted.platform;
    manifest.task_id = task_id;
    manifest.sdk_sha256 = sdk.sha256;
    manifest.sdk_size = sdk.size;
    manifest.files = scan_files(paths_.staging);
    manifest.installed_at = rfc3339_utc(system_clock::now());
    manifest.options_digest = wanted.options_digest;
    write_manifest(paths_.staging, manifest); // last file in: the SDK is complete
    throw_if_interrupted();
    install_staging(paths_);

    if (options_.keep_archive) {
        std::error_code ignored;
        fs::rename(paths_.download_part, paths_.root / archive_name_from(waited.sdk_url), ignored);
    }
    remove_quietly(paths_.download_part);
    remove_quietly(target.meta_file);
    remove_task_state(paths_.state_file);
    // The app was usually written moments before this run, too recently to be
    // cached then; now it can be, so the next build's check costs no hashing.
    if (!options_.app_file.empty())
        app_sha256(options_.app_file);
    log_.info("installed the SDK in " + paths_.dest.string() + " (" +
              std::to_string(manifest.files.size()) + " files)");
    outcome.status = FetchStatus::Installed;
    outcome.manifest = std::move(manifest);
    return outcome;
}

} // namespace

FetchOutcome run_fetch(const FetchOptions& options, const FetchEnvironment& environment) {
    Fetcher fetcher(options, environment);
    try {
        return fetcher.run();
    } catch (const Error& failure) {
        if (failure.code() == ExitCode::Interrupted) {
            // Ctrl-C leaves no partial files; state.json stays so a rerun resumes the task.
            const StatePaths paths = state_paths_for(options.dest);
            remove_quietly(paths.download_part);
            remove_quietly(paths.root / "download.json");
            remove_quietly(paths.staging);
        }
        throw;
    }
}

} // namespace verifysdk::sdk
