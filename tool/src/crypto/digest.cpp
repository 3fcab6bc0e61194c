#include "crypto/digest.hpp"

#include "error.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace verifysdk::crypto {

namespace {

// One OpenSSL digest context: what Sha256 and Md5 share.
struct EvpDigest {
    EvpDigest(const EVP_MD* md, const char* algorithm) : name(algorithm) {
        if (ctx == nullptr || EVP_DigestInit_ex(ctx, md, nullptr) != 1)
            throw std::runtime_error(std::string("OpenSSL: cannot initialise ") + name);
    }
    ~EvpDigest() { EVP_MD_CTX_free(ctx); }
    EvpDigest(const EvpDigest&) = delete;
    EvpDigest& operator=(const EvpDigest&) = delete;

    void update(const void* data, std::size_t size) {
        if (size != 0 && EVP_DigestUpdate(ctx, data, size) != 1)
            throw std::runtime_error(std::string("OpenSSL: ") + name + " update failed");
    }
    // The raw digest bytes.
    std::string finish() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
        unsigned int length = 0;
        if (EVP_DigestFinal_ex(ctx, out.data(), &length) != 1)
            throw std::runtime_error(std::string("OpenSSL: ") + name + " final failed");
        return {reinterpret_cast<const char*>(out.data()), length};
    }

    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const char* name;
};

} // namespace

struct Sha256::Impl : EvpDigest {
    Impl() : EvpDigest(EVP_sha256(), "SHA-256") {}
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
void Sha256::update(const void* data, std::size_t size) { impl_->update(data, size); }
std::string Sha256::hex_digest() { return hex_encode(impl_->finish()); }

struct Md5::Impl : EvpDigest {
    Impl() : EvpDigest(EVP_md5(), "MD5") {}
};

Md5::Md5() : impl_(std::make_unique<Impl>()) {}
Md5::~Md5() = default;
Md5::Md5(Md5&&) noexcept = default;
Md5& Md5::operator=(Md5&&) noexcept = default;
void Md5::update(const void* data, std::size_t size) { impl_->update(data, size); }
std::string Md5::digest() { return impl_->finish(); }

std::string md5(std::string_view data) {
    Md5 hash;
    hash.update(data);
    return hash.digest();
}

std::string md5_file_range(const std::filesystem::path& file, std::uint64_t offset,
                           std::uint64_t length) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw fs_error("cannot read " + file.string());
    in.seekg(static_cast<std::streamoff>(offset));
    Md5 hash;
    std::vector<char> buffer(std::min<std::uint64_t>(length, 1u << 20) + 1);
    std::uint64_t left = length;
    while (left > 0 && in) {
        const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(left, buffer.size()));
        in.read(buffer.data(), want);
        const auto got = static_cast<std::size_t>(in.gcount());
        hash.update(buffer.data(), got);
        left -= got;
    }
    if (left != 0)
        throw fs_error("cannot read " + file.string() + " (it is shorter than expected, or "
                       "changed while it was read)");
    return hash.digest();
}

std::string sha256_hex(std::string_view data) {
    Sha256 hash;
    hash.update(data);
    return hash.hex_digest();
}

std::string sha256_file_hex(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw fs_error("cannot read " + file.string());
    Sha256 hash;
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        hash.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad())
        throw fs_error("error while reading " + file.string());
    return hash.hex_digest();
}

namespace {
std::string hmac(const EVP_MD* md, std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int length = 0;
    if (HMAC(md, key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
             &length) == nullptr)
        throw std::runtime_error("OpenSSL: HMAC failed");
    return {reinterpret_cast<const char*>(out.data()), length};
}
} // namespace

std::string hmac_sha1(std::string_view key, std::string_view message) {
    return hmac(EVP_sha1(), key, message);
}
std::string hmac_sha256(std::string_view key, std::string_view message) {
    return hmac(EVP_sha256(), key, message);
}

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()),
                        static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string compact;
    compact.reserve(text.size());
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            compact.push_back(c);
    if (compact.size() % 4 != 0)
        return std::nullopt;
    std::string out(compact.size() / 4 * 3 + 1, '\0');
    const int written =
        EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(compact.data()),
                        static_cast<int>(compact.size()));
    if (written < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts the padding as zero bytes: take them off again.
    std::size_t size = static_cast<std::size_t>(written);
    for (std::size_t i = compact.size(); i > 0 && compact[i - 1] == '=' && size > 0; --i)
        --size;
    out.resize(size);
    return out;
}

std::string hex_encode(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0x0f]);
    }
    return out;
}

std::string random_uuid() {
    std::array<unsigned char, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1)
        throw std::runtime_error("OpenSSL: no random bytes available");
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
    std::string hex = hex_encode({reinterpret_cast<const char*>(b.data()), b.size()});
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
           hex.substr(16, 4) + "-" + hex.substr(20);
}

} // namespace verifysdk::crypto
