#include "controller/image/image_upload.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "controller/api/api_error.hpp"

namespace neutrino::image {
namespace {

api::ApiError quota_full(uint64_t size, uint64_t remaining) {
  return api::ApiError(413, "StorageQuotaFull",
                       "Image exceeds the storage quota: The size of the data " +
                           std::to_string(size) + " will exceed the limit. " +
                           std::to_string(remaining) + " bytes remaining.");
}

}  // namespace

ImageUpload::ImageUpload(std::filesystem::path partial, UploadLimits limits)
    : partial_(std::move(partial)), limits_(limits) {
  fd_ = ::open(partial_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    throw std::runtime_error("cannot create " + partial_.string() + ": " + std::strerror(errno));
  }
  if (limits_.declared_size) {
    if (*limits_.declared_size > limits_.size_cap) {
      discard();
      throw api::ApiError(413, "ImageSizeLimitExceeded",
                          "The incoming image is too large: The provided image is too large.");
    }
    if (limits_.remaining_quota && *limits_.declared_size > *limits_.remaining_quota) {
      discard();
      throw quota_full(*limits_.declared_size, *limits_.remaining_quota);
    }
  }
}

ImageUpload::~ImageUpload() {
  if (!committed_) {
    discard();
  }
}

void ImageUpload::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  std::error_code ignored;
  std::filesystem::remove(partial_, ignored);
}

void ImageUpload::write(std::string_view chunk) {
  const uint64_t total = checksums_.bytes() + chunk.size();
  if (limits_.declared_size && total > *limits_.declared_size) {
    throw api::bad_request("Size of uploaded data exceeds the declared size of " +
                           std::to_string(*limits_.declared_size) + " bytes.");
  }
  if (limits_.remaining_quota && total > *limits_.remaining_quota) {
    throw quota_full(total, *limits_.remaining_quota);
  }
  if (total > limits_.size_cap) {
    throw api::ApiError(413, "ImageSizeLimitExceeded",
                        "The incoming image is too large: The provided image is too large.");
  }
  if (head_.size() < kInspectionBytes) {
    head_.append(chunk.substr(0, kInspectionBytes - head_.size()));
  }
  checksums_.update(chunk);
  while (!chunk.empty()) {
    const ssize_t n = ::write(fd_, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      const int error = errno;
      throw api::ApiError(error == ENOSPC ? 413 : 500, "StorageFull",
                          std::string("Image storage media is full: ") + std::strerror(error));
    }
    chunk.remove_prefix(static_cast<size_t>(n));
  }
}

UploadedData ImageUpload::finish() {
  if (limits_.declared_size && checksums_.bytes() != *limits_.declared_size) {
    throw api::bad_request("Size of uploaded data (" + std::to_string(checksums_.bytes()) +
                           " bytes) does not match the declared size (" +
                           std::to_string(*limits_.declared_size) + " bytes).");
  }
  if (::fsync(fd_) != 0) {
    throw std::runtime_error("cannot sync " + partial_.string() + ": " + std::strerror(errno));
  }
  checksums_.finish();
  return {checksums_.bytes(), checksums_.md5_hex(), checksums_.sha512_hex(), inspect_disk(head_)};
}

void ImageUpload::commit(const std::filesystem::path& destination) {
  ::close(fd_);
  fd_ = -1;
  std::filesystem::rename(partial_, destination);
  committed_ = true;
}

}  // namespace neutrino::image
