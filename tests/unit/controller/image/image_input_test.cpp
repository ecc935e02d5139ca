// Glance's checks of create bodies and JSON patches.
#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"
#include "controller/image/image_input.hpp"

namespace neutrino::image {
namespace {

identity::AuthContext member() {
  identity::AuthContext ctx;
  ctx.project_id = "p1";
  ctx.roles = {"member"};
  return ctx;
}

template <typename F>
std::pair<int, std::string> refusal(F&& body) {
  try {
    body();
  } catch (const api::ApiError& e) {
    return {e.status(), e.what()};
  }
  return {0, ""};
}

TEST(ImageInput, CreateTakesCoreAttributesAndStringProperties) {
  const ImageRecord image = parse_new_image({{"name", "cirros"},
                                             {"disk_format", "qcow2"},
                                             {"container_format", "bare"},
                                             {"visibility", "private"},
                                             {"min_ram", 64},
                                             {"tags", {"a", "b"}},
                                             {"hw_rng", "on"}},
                                            member());
  EXPECT_EQ(image.name, "cirros");
  EXPECT_EQ(image.disk_format, "qcow2");
  EXPECT_EQ(image.visibility, "private");
  EXPECT_EQ(image.min_ram, 64);
  EXPECT_EQ(image.tags, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(image.properties.at("hw_rng"), "on");
  EXPECT_EQ(image.owner, "p1");
  EXPECT_EQ(image.status, "queued");
}

TEST(ImageInput, CreateRefusalsAreGlances) {
  auto [status, message] = refusal([] { parse_new_image({{"disk_format", "floppy"}}, member()); });
  EXPECT_EQ(status, 400);
  EXPECT_EQ(message,
            "Provided object does not match schema 'image': 'floppy' is not one of [None, 'ami', "
            "'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']");
  EXPECT_EQ(refusal([] { parse_new_image({{"container_format", "zip"}}, member()); }).first, 400);
  EXPECT_EQ(refusal([] {
              parse_new_image({{"size", 12}}, member());
            }).second,
            "Attribute 'size' is read-only.");
  EXPECT_EQ(refusal([] {
              parse_new_image({{"deleted", "x"}}, member());
            }).second,
            "Attribute 'deleted' is reserved.");
  EXPECT_EQ(refusal([] { parse_new_image({{"visibility", "public"}}, member()); }).first, 403);
  EXPECT_EQ(refusal([] { parse_new_image({{"min_disk", -1}}, member()); }).first, 400);
  EXPECT_EQ(refusal([] { parse_new_image({{"hw_rng", 5}}, member()); }).first, 400);
  EXPECT_EQ(refusal([] { parse_new_image({{"id", "not-a-uuid"}}, member()); }).first, 400);
}

TEST(ImageInput, PatchAddsReplacesAndRemoves) {
  ImageRecord image = parse_new_image({{"name", "x"}, {"os_distro", "debian"}}, member());
  apply_image_patch(image,
                    Json::array({{{"op", "add"}, {"path", "/hw_disk_bus"}, {"value", "virtio"}},
                                 {{"op", "replace"}, {"path", "/name"}, {"value", "y"}},
                                 {{"op", "remove"}, {"path", "/os_distro"}},
                                 {{"op", "add"}, {"path", "/a~1b"}, {"value", "slash"}}}),
                    member());
  EXPECT_EQ(image.name, "y");
  EXPECT_EQ(image.properties.at("hw_disk_bus"), "virtio");
  EXPECT_EQ(image.properties.at("a/b"), "slash");
  EXPECT_FALSE(image.properties.contains("os_distro"));
}

TEST(ImageInput, PatchRefusals) {
  ImageRecord image = parse_new_image({{"name", "x"}}, member());
  const auto patch = [&](const Json& change) {
    return refusal([&] { apply_image_patch(image, Json::array({change}), member()); });
  };
  EXPECT_EQ(patch({{"op", "replace"}, {"path", "/missing"}, {"value", "v"}}).second,
            "Property missing does not exist.");
  EXPECT_EQ(patch({{"op", "remove"}, {"path", "/missing"}}).first, 409);
  EXPECT_EQ(patch({{"op", "replace"}, {"path", "/status"}, {"value", "active"}}).first, 403);
  EXPECT_EQ(patch({{"op", "move"}, {"path", "/name"}}).first, 400);
  EXPECT_EQ(patch({{"op", "add"}, {"path", "name"}, {"value", "v"}}).first, 400);
  EXPECT_EQ(patch({{"op", "add"}, {"path", "/disk_format"}, {"value", "tape"}}).first, 400);
  EXPECT_EQ(patch({{"op", "add"}, {"path", "/x"}}).first, 400);
}

}  // namespace
}  // namespace neutrino::image
