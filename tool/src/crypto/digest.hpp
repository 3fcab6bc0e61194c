// Hashes, HMACs, Base64, hex and random identifiers, all from OpenSSL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace verifysdk::crypto {

// Incremental SHA-256, for hashing streams in constant memory.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, std::size_t size);
    void update(std::string_view data) { update(data.data(), data.size()); }
    // Lower-case hex digest; the object is finished afterwards.
    std::string hex_digest();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Incremental MD5: only for what OSS requires (Content-MD5, ETag checks), never for trust.
class Md5 {
public:
    Md5();
    ~Md5();
    Md5(Md5&&) noexcept;
    Md5& operator=(Md5&&) noexcept;
    Md5(const Md5&) = delete;
    Md5& operator=(const Md5&) = delete;

    void update(const void* data, std::size_t size);
    void update(std::string_view data) { update(data.data(), data.size()); }
    // The 16 raw digest bytes; the object is finished afterwards.
    std::string digest();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);
// Streams the file; throws verifysdk::Error (FileSystem) when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& file);

// Raw MD5 (16 bytes) of a string, and of `length` bytes of a file from `offset`
// (streamed; throws verifysdk::Error (FileSystem) when the range cannot be read).
std::string md5(std::string_view data);
std::string md5_file_range(const std::filesystem::path& file, std::uint64_t offset,
                           std::uint64_t length);

// Raw MAC bytes.
std::string hmac_sha1(std::string_view key, std::string_view message);
std::string hmac_sha256(std::string_view key, std::string_view message);

std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding, whitespace ignored; nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view bytes);

// Version 4 UUID from a cryptographically secure generator.
std::string random_uuid();

} // namespace verifysdk::crypto
