#include "controller/http/router.hpp"

#include <gtest/gtest.h>

namespace neutrino::http {
namespace {

// Each handler answers with its own name in the body, so a test can tell which one matched.
Handler named(const std::string& name) {
  return [name](const Request&, const PathParams&) {
    Response r;
    r.body = name;
    return r;
  };
}

std::string call(const RouteMatch& match) {
  if (match.handler == nullptr) {
    return "<none>";
  }
  return (*match.handler)(Request{}, match.params).body;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/v2.0/networks", named("list"));
    router_.add("POST", "/v2.0/networks", named("create"));
    router_.add("GET", "/v2.0/networks/{id}", named("show"));
    router_.add("DELETE", "/v2.0/networks/{id}", named("delete"));
    router_.add("PUT", "/v2.0/networks/{id}/tags/{tag}", named("add_tag"));
  }
  Router router_;
};

TEST_F(RouterTest, LiteralPathPicksHandlerByMethod) {
  EXPECT_EQ(call(router_.match("GET", "/v2.0/networks")), "list");
  EXPECT_EQ(call(router_.match("POST", "/v2.0/networks")), "create");
}

TEST_F(RouterTest, CapturesNamedSegments) {
  const auto match = router_.match("PUT", "/v2.0/networks/net-1/tags/red");
  EXPECT_EQ(call(match), "add_tag");
  EXPECT_EQ(match.params, (PathParams{{"id", "net-1"}, {"tag", "red"}}));

  const auto show = router_.match("GET", "/v2.0/networks/abc");
  EXPECT_EQ(call(show), "show");
  EXPECT_EQ(show.params, (PathParams{{"id", "abc"}}));
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  for (const char* path : {"/v2.0/ports", "/v2.0/networks/a/b", "/v2.0/networks/a/tags", "/",
                           "/v2.0/networks/a/tags/b/c"}) {
    const auto match = router_.match("GET", path);
    EXPECT_EQ(match.handler, nullptr) << path;
    EXPECT_FALSE(match.path_known) << path;
  }
}

TEST_F(RouterTest, KnownPathWithOtherMethodIsMethodNotAllowed) {
  const auto match = router_.match("PATCH", "/v2.0/networks/abc");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.path_known);

  const auto del = router_.match("DELETE", "/v2.0/networks");
  EXPECT_EQ(del.handler, nullptr);
  EXPECT_TRUE(del.path_known);
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  const auto match = router_.match("HEAD", "/v2.0/networks/xyz");
  EXPECT_EQ(call(match), "show");
  EXPECT_EQ(match.params, (PathParams{{"id", "xyz"}}));
  // No GET route for the tag path, so HEAD there is 405, not a match.
  const auto tag = router_.match("HEAD", "/v2.0/networks/a/tags/b");
  EXPECT_EQ(tag.handler, nullptr);
  EXPECT_TRUE(tag.path_known);
}

TEST_F(RouterTest, ExplicitHeadRouteWinsOverGet) {
  router_.add("HEAD", "/v2.0/networks", named("head"));
  EXPECT_EQ(call(router_.match("HEAD", "/v2.0/networks")), "head");
}

TEST_F(RouterTest, MethodsAreCaseSensitive) {
  // HTTP methods are case-sensitive (RFC 7231 4.1); "get" is not GET.
  const auto match = router_.match("get", "/v2.0/networks");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.path_known);
}

TEST_F(RouterTest, EmptySegmentsAreIgnored) {
  // Neutron clients sometimes send a trailing slash; it names the same resource.
  EXPECT_EQ(call(router_.match("GET", "/v2.0/networks/")), "list");
  EXPECT_EQ(call(router_.match("GET", "//v2.0//networks/abc")), "show");
}

TEST_F(RouterTest, FirstMatchingRouteWins) {
  router_.add("GET", "/v2.0/networks/special", named("special"));
  // "{id}" was added first, so it captures "special" too.
  const auto match = router_.match("GET", "/v2.0/networks/special");
  EXPECT_EQ(call(match), "show");
  EXPECT_EQ(match.params.at("id"), "special");
}

}  // namespace
}  // namespace neutrino::http
