// Glance's list query: visibility rules, filters, sorting, paging and its errors.
#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"
#include "controller/image/image_list_query.hpp"

namespace neutrino::image {
namespace {

ImageRecord image(const std::string& id, const std::string& name, int64_t created,
                  const std::string& visibility = "shared") {
  ImageRecord r;
  r.id = id;
  r.name = name;
  r.created_at = created;
  r.updated_at = created;
  r.owner = "p1";
  r.visibility = visibility;
  r.disk_format = "raw";
  r.size = created * 10;
  return r;
}

identity::AuthContext member() {
  identity::AuthContext ctx;
  ctx.project_id = "p1";
  ctx.roles = {"member"};
  return ctx;
}

std::vector<std::string> ids(const Json& body) {
  std::vector<std::string> out;
  for (const auto& i : body["images"]) {
    out.push_back(i["id"]);
  }
  return out;
}

std::vector<ImageRecord> sample() {
  auto c = image("c", "gamma", 3, "public");
  c.properties["os_distro"] = "debian";
  c.tags = {"boot"};
  auto hidden = image("h", "hidden", 4);
  hidden.os_hidden = true;
  auto community = image("x", "theirs", 5, "community");
  community.owner = "p2";
  return {image("a", "alpha", 1), image("b", "beta", 2, "private"), c, hidden, community};
}

TEST(ImageListQuery, NewestFirstWithoutHiddenOrOthersCommunityImages) {
  EXPECT_EQ(ids(list_images(sample(), {}, member())), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(ids(list_images(sample(), {{"visibility", "all"}}, member())),
            (std::vector<std::string>{"x", "c", "b", "a"}));
  EXPECT_EQ(ids(list_images(sample(), {{"os_hidden", "true"}}, member())),
            (std::vector<std::string>{"h"}));
  // As oslo's bool_from_string: the openstack CLI sends "True".
  EXPECT_EQ(ids(list_images(sample(), {{"os_hidden", "True"}}, member())),
            (std::vector<std::string>{"h"}));
  EXPECT_EQ(ids(list_images(sample(), {{"os_hidden", "No"}}, member())),
            (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_THROW(list_images(sample(), {{"os_hidden", "maybe"}}, member()), api::ApiError);
}

TEST(ImageListQuery, Filters) {
  const auto m = member();
  EXPECT_EQ(ids(list_images(sample(), {{"name", "beta"}}, m)), (std::vector<std::string>{"b"}));
  EXPECT_EQ(ids(list_images(sample(), {{"visibility", "public"}}, m)),
            (std::vector<std::string>{"c"}));
  EXPECT_EQ(ids(list_images(sample(), {{"os_distro", "debian"}}, m)),
            (std::vector<std::string>{"c"}));
  EXPECT_EQ(ids(list_images(sample(), {{"tag", "boot"}}, m)), (std::vector<std::string>{"c"}));
  EXPECT_EQ(ids(list_images(sample(), {{"size_min", "15"}, {"size_max", "25"}}, m)),
            (std::vector<std::string>{"b"}));
  EXPECT_EQ(ids(list_images(sample(), {{"id", "in:a,c"}}, m)),
            (std::vector<std::string>{"c", "a"}));
}

TEST(ImageListQuery, SortAndPages) {
  const auto m = member();
  EXPECT_EQ(ids(list_images(sample(), {{"sort", "name:asc"}}, m)),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ids(list_images(sample(), {{"sort_key", "name"}, {"sort_dir", "asc"}}, m)),
            (std::vector<std::string>{"a", "b", "c"}));
  const Json first = list_images(sample(), {{"limit", "2"}}, m);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"c", "b"}));
  EXPECT_EQ(first["next"], "/v2/images?limit=2&marker=b");
  const Json second = list_images(sample(), {{"limit", "2"}, {"marker", "b"}}, m);
  EXPECT_EQ(ids(second), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(second.contains("next"));
}

TEST(ImageListQuery, BadParametersAreGlances400s) {
  const auto m = member();
  const auto message = [&](const http::QueryParams& q) {
    try {
      list_images(sample(), q, m);
    } catch (const api::ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message({{"limit", "x"}}), "limit param must be an integer");
  EXPECT_EQ(message({{"limit", "-1"}}), "limit param must be positive");
  EXPECT_EQ(message({{"sort_dir", "up"}}), "Invalid sort direction: up");
  EXPECT_EQ(message({{"visibility", "secret"}}), "Invalid visibility value: secret");
  EXPECT_EQ(message({{"marker", "zzz"}}), "No image found with ID zzz");
  EXPECT_EQ(message({{"sort_key", "colour"}}).substr(0, 23), "Invalid sort key: colou");
}

}  // namespace
}  // namespace neutrino::image
