#include "controller/image/image_checksums.hpp"

#include <openssl/evp.h>

#include <stdexcept>
#include <vector>

#include "common/random.hpp"

namespace neutrino::image {

class ImageChecksums::Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, md, nullptr) != 1) {
      EVP_MD_CTX_free(ctx_);
      throw std::runtime_error("cannot start a digest");
    }
  }
  ~Digest() { EVP_MD_CTX_free(ctx_); }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void update(std::string_view bytes) {
    if (EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1) {
      throw std::runtime_error("digest update failed");
    }
  }
  std::string finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_, out, &length) != 1) {
      throw std::runtime_error("digest failed");
    }
    return random::hex(std::vector<uint8_t>(out, out + length));
  }

 private:
  EVP_MD_CTX* ctx_;
};

ImageChecksums::ImageChecksums()
    : md5_ctx_(std::make_unique<Digest>(EVP_md5())),
      sha512_ctx_(std::make_unique<Digest>(EVP_sha512())) {}

ImageChecksums::~ImageChecksums() = default;

void ImageChecksums::update(std::string_view bytes) {
  md5_ctx_->update(bytes);
  sha512_ctx_->update(bytes);
  bytes_ += bytes.size();
}

void ImageChecksums::finish() {
  md5_ = md5_ctx_->finish();
  sha512_ = sha512_ctx_->finish();
}

}  // namespace neutrino::image
