#include "sdk/archive_name_audit.hpp"

#include "error.hpp"
#include "sdk/archive_extractor.hpp"
#include "sdk_test_support.hpp"

#include <gtest/gtest.h>

namespace verifysdk::sdk {
namespace {

using test::RawZipEntry;
namespace fs = std::filesystem;

enum class AuditedFormat { Zip, TarGz, Tar };

void audit_archive_names(const fs::path& archive, AuditedFormat format,
                         const ExtractLimits& limits) {
    if (format == AuditedFormat::Zip)
        audit_zip_names(archive, limits);
    else
        audit_tar_names(archive, format == AuditedFormat::TarGz, limits);
}

class ArchiveNameAudit : public ::testing::Test {
  protected:
    test::TempDir tmp;
    fs::path archive = tmp / "download.part";

    test::Caught audit(const std::string& bytes, AuditedFormat format,
                       const ExtractLimits& limits = {}) {
        test::write_file(archive, bytes);
        return test::catch_error([&] { audit_archive_names(archive, format, limits); });
    }

    void expect_refused(const std::string& bytes, AuditedFormat format, const std::string& words,
                        const ExtractLimits& limits = {}) {
        const auto caught = audit(bytes, format, limits);
        EXPECT_EQ(caught.code, ExitCode::Verification) << caught.message;
        EXPECT_NE(caught.message.find("unsafe archive: entry \"" + words), std::string::npos)
            << "message: " << caught.message << "\nexpected: " << words;
        EXPECT_NE(caught.hint.find("the SDK download was refused"), std::string::npos);
    }

    void expect_passes(const std::string& bytes, AuditedFormat format,
                       const ExtractLimits& limits = {}) {
        const auto caught = audit(bytes, format, limits);
        EXPECT_EQ(caught.code, ExitCode::Ok) << caught.message;
    }

    // The file as the libarchive writer makes it.
    std::string built(test::ArchiveBuilder::Format format) {
        const fs::path file = tmp / "built";
        test::ArchiveBuilder(file, format)
            .dir("libs/")
            .file("libs/verify.aar", std::string(100'000, 'a'))
            .file("caf\xc3\xa9.txt", "utf-8")
            .symlink("libs/current", "verify.aar")
            .close();
        return test::read_file(file);
    }
};

const std::vector<RawZipEntry> good_entries = {{"license.json", "{}"}, {"libs/verify.aar", "aar"}};

std::vector<RawZipEntry> with(RawZipEntry extra) {
    auto entries = good_entries;
    entries.push_back(std::move(extra));
    return entries;
}

// --- zip ------------------------------------------------------------------

TEST_F(ArchiveNameAudit, WellFormedZipsPass) {
    expect_passes(built(test::ArchiveBuilder::Format::Zip), AuditedFormat::Zip);
    expect_passes(test::raw_zip(good_entries), AuditedFormat::Zip);
    expect_passes(test::raw_zip({}), AuditedFormat::Zip); // empty zip
}

TEST_F(ArchiveNameAudit, ZipNameWithNul) {
    expect_refused(test::raw_zip(with({std::string("libs/evil\0.aar", 14), "x"})),
                   AuditedFormat::Zip, "libs/evil\\x00.aar\" contains a NUL byte");
    expect_refused(test::raw_zip({{std::string("license.json\0/../../../evil", 27), "x"}}),
                   AuditedFormat::Zip, "license.json\\x00/../../../evil\" contains a NUL byte");
}

TEST_F(ArchiveNameAudit, ZipNameNotUtf8WhateverTheFlag) {
    for (const std::uint16_t flags : {0x0800, 0}) {
        RawZipEntry bad{"libs/\xff.aar", "x"};
        bad.flags = flags;
        expect_refused(test::raw_zip({bad}), AuditedFormat::Zip,
                       "libs/\\xff.aar\" is not valid UTF-8");
        RawZipEntry overlong{"\xc0\xae\xc0\xae/evil.txt", "x"};
        overlong.flags = flags;
        expect_refused(test::raw_zip({overlong}), AuditedFormat::Zip,
                       "\\xc0\\xae\\xc0\\xae/evil.txt\" is not valid UTF-8");
    }
    RawZipEntry surrogate{"libs/\xed\xa0\x80.aar", "x"};
    expect_refused(test::raw_zip({surrogate}), AuditedFormat::Zip,
                   "libs/\\xed\\xa0\\x80.aar\" is not valid UTF-8");
}

TEST_F(ArchiveNameAudit, ZipLocalNameDiffers) {
    RawZipEntry entry{"libs/verify.aar", "x"};
    entry.local_name = "../../evil.aar";
    expect_refused(test::raw_zip({entry}), AuditedFormat::Zip,
                   "libs/verify.aar\" has a different name in its local header");
    entry.local_name = std::string("libs/verify.aar\0", 16); // checked before comparing
    expect_refused(test::raw_zip({entry}), AuditedFormat::Zip,
                   "libs/verify.aar\\x00\" contains a NUL byte");
}

TEST_F(ArchiveNameAudit, ZipUnicodePathExtraField) {
    RawZipEntry entry{"libs/verify.aar", "x"};
    entry.extra = test::unicode_path_extra(std::string("libs/evil\0.aar", 14));
    expect_refused(test::raw_zip({entry}), AuditedFormat::Zip,
                   "libs/evil\\x00.aar\" contains a NUL byte");
    entry.extra = test::unicode_path_extra("libs/\xfe.aar");
    expect_refused(test::raw_zip({entry}), AuditedFormat::Zip,
                   "libs/\\xfe.aar\" is not valid UTF-8");
    entry.extra = test::unicode_path_extra("libs/v\xc3\xa9rify.aar");
    expect_passes(test::raw_zip({entry}), AuditedFormat::Zip);
}

TEST_F(ArchiveNameAudit, ZipSpecialUnixTypes) {
    const std::pair<std::uint32_t, const char*> cases[] = {
        {0010644, "fifo\" is a FIFO"},
        {0020644, "fifo\" is a device"},
        {0060644, "fifo\" is a device"},
        {0140644, "fifo\" is a socket"},
    };
    for (const auto& [mode, words] : cases) {
        RawZipEntry entry{"fifo", ""};
        entry.unix_mode = mode;
        expect_refused(test::raw_zip(with(entry)), AuditedFormat::Zip, words);
    }
    RawZipEntry folder{"libs/", ""};
    folder.unix_mode = 040755;
    RawZipEntry link{"libs/current", "verify.aar"};
    link.unix_mode = 0120777;
    expect_passes(test::raw_zip({folder, link}), AuditedFormat::Zip);
}

TEST_F(ArchiveNameAudit, ZipWithTooManyEntries) {
    std::vector<RawZipEntry> entries;
    for (const char* name : {"a", "b", "c", "d", "e"})
        entries.push_back({name, name});
    ExtractLimits limits;
    limits.max_entries = 3;
    expect_refused(test::raw_zip(entries), AuditedFormat::Zip, "d\" exceeds the limit of 3 entries",
                   limits);
    limits.max_entries = 5;
    expect_passes(test::raw_zip(entries), AuditedFormat::Zip, limits);
}

TEST_F(ArchiveNameAudit, Zip64EndRecordIsFollowed) {
    expect_passes(test::raw_zip(good_entries, /*zip64=*/true), AuditedFormat::Zip);
    expect_refused(test::raw_zip(with({std::string("libs/evil\0.aar", 14), "x"}), true),
                   AuditedFormat::Zip, "libs/evil\\x00.aar\" contains a NUL byte");
    // libarchive reads the same structures: the ZIP64 archive extracts.
    test::write_file(archive, test::raw_zip(good_entries, true));
    const ExtractResult r = extract_sdk_archive(archive, tmp / "staging", "sdk.bin");
    EXPECT_EQ(r.entries, 2u);
    EXPECT_EQ(test::read_file(tmp / "staging/libs/verify.aar"), "aar");
}

TEST_F(ArchiveNameAudit, MalformedZipsAreLeftToLibarchive) {
    const std::string whole = test::raw_zip(with({std::string("libs/evil\0.aar", 14), "x"}));
    expect_passes("", AuditedFormat::Zip);
    expect_passes("PK\x03\x04 not a zip at all", AuditedFormat::Zip);
    expect_passes(whole.substr(0, whole.size() - 30), AuditedFormat::Zip); // no end record
    expect_passes(whole.substr(0, whole.size() / 2), AuditedFormat::Zip);
    std::string wild = whole; // central directory offset past the end
    wild.replace(wild.size() - 6, 4, "\xff\xff\xff\x7f");
    expect_passes(wild, AuditedFormat::Zip);
    std::string lost = test::raw_zip({{"a", "1"}}); // local header offset past the end
    lost.replace(lost.find("PK\x01\x02") + 42, 4, "\x00\x00\x00\x70", 4);
    expect_passes(lost, AuditedFormat::Zip);
}

// --- tar and tar.gz -------------------------------------------------------

const std::string nul_path("libs/evil\0.aar", 14);

std::string tar_of(std::initializer_list<std::string> parts) {
    std::string out;
    for (const auto& part : parts)
        out += part;
    return out + test::tar_end();
}

TEST_F(ArchiveNameAudit, WellFormedTarsPass) {
    expect_passes(built(test::ArchiveBuilder::Format::TarGz), AuditedFormat::TarGz);
    expect_passes(built(test::ArchiveBuilder::Format::Tar), AuditedFormat::Tar);
    const std::string long_name = std::string(150, 'n') + ".aar";
    expect_passes(tar_of({test::tar_block("././@LongLink", 'L', long_name + '\0'),
                          test::tar_block(long_name.substr(0, 100), '0', "data"),
                          test::pax_block({{"path", "libs/caf\xc3\xa9.aar"}, {"mtime", "1"}}),
                          test::tar_block("libs/cafe.aar", '0', "x")}),
                  AuditedFormat::Tar);
}

TEST_F(ArchiveNameAudit, PaxPathWithNul) {
    const std::string tar =
        tar_of({test::tar_block("libs/ok.aar", '0', "fine"), test::pax_block({{"path", nul_path}}),
                test::tar_block("libs/ok2.aar", '0', "x")});
    expect_refused(test::gzip(tar), AuditedFormat::TarGz,
                   "libs/evil\\x00.aar\" contains a NUL byte");
    expect_refused(tar, AuditedFormat::Tar, "libs/evil\\x00.aar\" contains a NUL byte");
    expect_refused(tar_of({test::pax_block({{"linkpath", std::string("target\0x", 8)}}),
                           test::tar_block("link", '2', "")}),
                   AuditedFormat::Tar, "target\\x00x\" contains a NUL byte");
    expect_refused(
        tar_of({test::pax_block({{"path", nul_path}}, 'g'), test::tar_block("a", '0', "x")}),
        AuditedFormat::Tar, "libs/evil\\x00.aar\" contains a NUL byte");
}

TEST_F(ArchiveNameAudit, GnuLongNamesWithNul) {
    expect_refused(tar_of({test::tar_block("././@LongLink", 'L', nul_path + '\0'),
                           test::tar_block("libs/evil", '0', "x")}),
                   AuditedFormat::Tar, "libs/evil\\x00.aar\" contains a NUL byte");
    expect_refused(tar_of({test::tar_block("././@LongLink", 'K', std::string("../\0../etc", 10)),
                           test::tar_block("link", '2', "")}),
                   AuditedFormat::Tar, "../\\x00../etc\" contains a NUL byte");
}

// The names libarchive's tar reader returns for `tar`.
std::vector<std::string> libarchive_names(const std::string& tar) {
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    archive_read_open_memory(a, tar.data(), tar.size());
    std::vector<std::string> names;
    archive_entry* entry = nullptr;
    for (int r = 0; (r = archive_read_next_header(a, &entry)) == ARCHIVE_OK || r == ARCHIVE_WARN;)
        names.emplace_back(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
    archive_read_free(a);
    return names;
}

// The audit must read the headers libarchive reads, so it follows the
// lengths libarchive uses; each case hides a NUL path after the entry
// (which libarchive would install as "libs/evil").
TEST_F(ArchiveNameAudit, FollowsLibarchiveFraming) {
    const std::string hidden =
        test::pax_block({{"path", nul_path}}) + test::tar_block("libs/ok.aar", '0', "x");
    const std::string want = "libs/evil\\x00.aar\" contains a NUL byte";
    // A symlink's size field is ignored: no data follows it.
    std::string link = test::tar_block("link", '2', "", std::string("00000001000\0", 12));
    expect_refused(link + hidden + test::tar_end(), AuditedFormat::Tar, want);
    // A pax size overrides the header's.
    std::string sized = test::pax_block({{"size", "1024"}}) + test::tar_block("a", '0', "") +
                        std::string(1024, 'z');
    expect_refused(sized + hidden + test::tar_end(), AuditedFormat::Tar, want);
    // Base-256 size field.
    std::string big = test::tar_block("b", '0', std::string(1536, 'y'),
                                      std::string("\x80\0\0\0\0\0\0\0\0\0\x06\0", 12));
    expect_refused(big + hidden + test::tar_end(), AuditedFormat::Tar, want);
    for (const auto& before : {link, sized, big})
        EXPECT_EQ(libarchive_names(before + hidden + test::tar_end()).back(), "libs/evil");
}

TEST_F(ArchiveNameAudit, FileWithDataNamedLikeAFolder) {
    // libarchive makes "libs/" a folder and reads the next header from its
    // data; other readers skip the data.
    expect_refused(tar_of({test::tar_block("libs/", '0', std::string(600, 'd'))}),
                   AuditedFormat::Tar, "libs/\" is a file with data whose name ends in \"/\"");
    expect_passes(tar_of({test::tar_block("libs/", '5', ""), test::tar_block("old/", '0', "")}),
                  AuditedFormat::Tar);
}

TEST_F(ArchiveNameAudit, MalformedTarsAreLeftToLibarchive) {
    const std::string tar =
        tar_of({test::tar_block("a", '0', std::string(2000, 'a')),
                test::pax_block({{"path", nul_path}}), test::tar_block("b", '0', "x")});
    expect_passes(tar.substr(0, 1000), AuditedFormat::Tar); // cut in the first entry
    expect_passes(tar.substr(0, 2600), AuditedFormat::Tar); // cut in the pax header
    expect_passes(test::gzip(tar).substr(0, 40), AuditedFormat::TarGz);
    expect_passes("\x1f\x8b garbage", AuditedFormat::TarGz);
    expect_passes("", AuditedFormat::Tar);
    std::string bad_sum = tar;
    bad_sum[0] = 'z'; // the checksum no longer matches: libarchive refuses it
    expect_passes(bad_sum, AuditedFormat::Tar);
    // More than libarchive reads into memory: it stops there too.
    expect_passes(
        tar_of({test::pax_block({{"comment", std::string(1100000, 'c')}, {"path", nul_path}}),
                test::tar_block("b", '0', "x")}),
        AuditedFormat::Tar);
}

TEST_F(ArchiveNameAudit, TarStopsCountingPastTheEntryLimit) {
    ExtractLimits limits;
    limits.max_entries = 2;
    // The extractor refuses the third entry; the audit need not read on.
    expect_passes(tar_of({test::tar_block("a", '0', "1"), test::tar_block("b", '0', "2"),
                          test::tar_block("c", '0', "3"), test::pax_block({{"path", nul_path}}),
                          test::tar_block("d", '0', "4")}),
                  AuditedFormat::Tar, limits);
}

} // namespace
} // namespace verifysdk::sdk
