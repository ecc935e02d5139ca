// The image schema glanceclient validates every image against: what image_view() shows must
// conform to it, for a new image and an uploaded one with custom properties.
#include <gtest/gtest.h>

#include "controller/image/image_input.hpp"
#include "controller/image/image_schema.hpp"
#include "controller/image/image_view.hpp"

namespace neutrino::image {
namespace {

std::string json_type(const Json& value) {
  if (value.is_null())
    return "null";
  if (value.is_boolean())
    return "boolean";
  if (value.is_number_integer())
    return "integer";
  if (value.is_string())
    return "string";
  if (value.is_array())
    return "array";
  return "object";
}

// The subset of JSON schema Glance's image schema uses: type, enum, maxLength.
void expect_conforms(const Json& image, const Json& schema) {
  const Json& properties = schema["properties"];
  for (const auto& [key, value] : image.items()) {
    if (!properties.contains(key)) {
      EXPECT_TRUE(value.is_string()) << key << " is a custom property, so a string";
      continue;
    }
    const Json& rule = properties[key];
    const Json types = rule["type"].is_array() ? rule["type"] : Json::array({rule["type"]});
    EXPECT_NE(std::find(types.begin(), types.end(), json_type(value)), types.end())
        << key << ": " << value << " is not " << types;
    if (rule.contains("enum")) {
      EXPECT_NE(std::find(rule["enum"].begin(), rule["enum"].end(), value), rule["enum"].end())
          << key << ": " << value;
    }
    if (rule.contains("maxLength") && value.is_string()) {
      EXPECT_LE(value.get<std::string>().size(), rule["maxLength"].get<size_t>()) << key;
    }
  }
}

TEST(ImageSchema, DescribesImagesAsTheyAreShown) {
  ImageRecord queued;
  queued.id = "1d1e0000-0000-4000-8000-000000000001";
  queued.owner = "5fbf23aabec255d814f4e7d5744676b0";
  expect_conforms(image_view(queued), image_schema());

  ImageRecord active = queued;
  active.name = "neutrino-guest";
  active.status = "active";
  active.visibility = "public";
  active.disk_format = "qcow2";
  active.container_format = "bare";
  active.size = 11599872;
  active.virtual_size = 26214400;
  active.checksum = std::string(32, 'a');
  active.os_hash_algo = "sha512";
  active.os_hash_value = std::string(128, 'b');
  active.tags = {"guest"};
  active.properties = {{"kernel_id", "1d1e0000-0000-4000-8000-000000000002"},
                       {"os_command_line", "console=ttyS0"}};
  expect_conforms(image_view(active), image_schema());
}

TEST(ImageSchema, ListsTheFormatsImagesAreCreatedWith) {
  const Json schema = image_schema();
  for (const auto& format : disk_formats()) {
    const auto& values = schema["properties"]["disk_format"]["enum"];
    EXPECT_NE(std::find(values.begin(), values.end(), format), values.end()) << format;
  }
  for (const auto& format : container_formats()) {
    const auto& values = schema["properties"]["container_format"]["enum"];
    EXPECT_NE(std::find(values.begin(), values.end(), format), values.end()) << format;
  }
  EXPECT_EQ(schema["additionalProperties"]["type"], "string");
  EXPECT_EQ(images_schema()["properties"]["images"]["items"], schema);
}

}  // namespace
}  // namespace neutrino::image
