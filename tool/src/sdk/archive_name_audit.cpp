#include "sdk/archive_name_audit.hpp"

namespace verifysdk::sdk {

void audit_archive_names(const std::filesystem::path& archive, AuditedFormat format,
                         const ExtractLimits& limits) {
    switch (format) {
    case AuditedFormat::Zip:
        audit_zip_names(archive, limits);
        return;
    case AuditedFormat::TarGz:
    case AuditedFormat::Tar:
        audit_tar_names(archive, format == AuditedFormat::TarGz, limits);
        return;
    }
}

} // namespace verifysdk::sdk
