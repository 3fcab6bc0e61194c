// Hashes, HMACs, Base64, hex and random identifiers, all from OpenSSL.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
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

std::string sha256_hex(std::string_view data);
// Streams the file; throws verifysdk::Error (FileSystem) when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& file);

// Raw MAC bytes.
std::string hmac_sha1(std::string_view key, std::string_view message);
std::string hmac_sha256(std::string_view key, std::string_view message);

std::string base64_encode(std::string_view bytes);
std::string hex_encode(std::string_view bytes);

// Version 4 UUID from a cryptographically secure generator.
std::string random_uuid();

} // namespace verifysdk::crypto
