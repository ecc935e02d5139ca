#include <gtest/gtest.h>

#include "controller/image/image_checksums.hpp"

namespace neutrino::image {
namespace {

TEST(ImageChecksums, MatchKnownDigestsWhateverTheChunking) {
  ImageChecksums whole;
  whole.update("The quick brown fox jumps over the lazy dog");
  whole.finish();
  EXPECT_EQ(whole.md5_hex(), "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(whole.sha512_hex(),
            "07e547d9586f6a73f73fbac0435ed76951218fb7d0c8d788a309d785436bbb642e93a252a954f23912547"
            "d1e8a3b5ed6e1bfd7097821233fa0538f3db854fee6");
  EXPECT_EQ(whole.bytes(), 43u);
  ImageChecksums pieces;
  for (const char* part : {"The quick ", "brown fox", "", " jumps over the lazy dog"}) {
    pieces.update(part);
  }
  pieces.finish();
  EXPECT_EQ(pieces.md5_hex(), whole.md5_hex());
  EXPECT_EQ(pieces.sha512_hex(), whole.sha512_hex());
}

TEST(ImageChecksums, EmptyInput) {
  ImageChecksums empty;
  empty.finish();
  EXPECT_EQ(empty.md5_hex(), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(empty.bytes(), 0u);
}

}  // namespace
}  // namespace neutrino::image
