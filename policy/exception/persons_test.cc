// The person list both sides build from the policy.
#include "policy/exception/persons.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/json.h"
#include "policy/exception/code_mac.h"
#include "policy/test_policy.h"

namespace piiguard::exception {
namespace {

Json Person(const std::string& name) {
  return Json{{"name", name}, {"contact", "042-000-0000"}};
}

Json Consignee(const std::string& id, const std::string& responsible,
               const std::vector<std::string>& deputies) {
  Json list = Json::array();
  for (const std::string& d : deputies) list.push_back(Person(d));
  return Json{{"id", id},
              {"name", id + " の名前"},
              {"responsible", Person(responsible)},
              {"deputies", list}};
}

// The test policy with `consignees` (jobs refer to none).
policy::Policy WithConsignees(const Json& consignees) {
  Json doc = policy::testing::ValidPolicyJson();
  for (Json& job : doc["register"]) job.erase("consignee");
  doc["consignees"] = consignees;
  Result<policy::Policy> p = policy::ParsePolicy(policy::testing::Dump(doc));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? *p : policy::Policy{};
}

TEST(ResponsiblePersonsTest, ConsigneesInOrderEachResponsibleThenDeputies) {
  const policy::Policy p = WithConsignees(Json::array(
      {Consignee("hidamari", "鈴木一郎", {"山田花子", "佐藤"}),
       Consignee("npo-b", "田中", {}), Consignee("aoba", "高橋", {"伊藤"})}));
  Result<std::vector<ResponsiblePerson>> persons = ResponsiblePersons(p);
  ASSERT_TRUE(persons.ok()) << persons.status().ToString();
  const std::vector<ResponsiblePerson> want = {
      {0, "鈴木一郎", "鈴木一郎", "hidamari", false},
      {1, "山田花子", "山田花子", "hidamari", true},
      {2, "佐藤", "佐藤", "hidamari", true},
      {3, "田中", "田中", "npo-b", false},
      {4, "高橋", "高橋", "aoba", false},
      {5, "伊藤", "伊藤", "aoba", true},
  };
  EXPECT_EQ(*persons, want);
  EXPECT_EQ(ResponsibleIds(*persons),
            (std::vector<std::string>{"鈴木一郎", "山田花子", "佐藤", "田中",
                                      "高橋", "伊藤"}));
}

TEST(ResponsiblePersonsTest, TheTestPolicysConsignee) {
  Result<policy::Policy> p =
      policy::ParsePolicy(policy::testing::ValidPolicyText());
  ASSERT_TRUE(p.ok());
  Result<std::vector<ResponsiblePerson>> persons = ResponsiblePersons(*p);
  ASSERT_TRUE(persons.ok());
  EXPECT_EQ(ResponsibleIds(*persons),
            (std::vector<std::string>{"山田", "佐藤"}));
  EXPECT_FALSE((*persons)[0].deputy);
  EXPECT_TRUE((*persons)[1].deputy);
  EXPECT_EQ((*persons)[1].consignee, "npo-1");
}

TEST(ResponsiblePersonsTest, NoConsigneesIsAnEmptyList) {
  Result<std::vector<ResponsiblePerson>> persons =
      ResponsiblePersons(WithConsignees(Json::array()));
  ASSERT_TRUE(persons.ok());
  EXPECT_TRUE(persons->empty());
  EXPECT_TRUE(ResponsibleIds(*persons).empty());
  EXPECT_TRUE(ResponsiblePersons(policy::Policy{})->empty());
}

// `total` persons: consignees of one responsible person and 9 deputies.
policy::Policy WithPersons(size_t total) {
  Json consignees = Json::array();
  for (size_t n = 0; n < total; n += 10) {
    std::vector<std::string> deputies;
    for (size_t d = 1; d < 10 && n + d < total; ++d) {
      deputies.push_back("p" + std::to_string(n + d));
    }
    consignees.push_back(
        Consignee("c" + std::to_string(n), "p" + std::to_string(n), deputies));
  }
  return WithConsignees(consignees);
}

TEST(ResponsiblePersonsTest, AtMostOneHundred) {
  Result<std::vector<ResponsiblePerson>> hundred =
      ResponsiblePersons(WithPersons(100));
  ASSERT_TRUE(hundred.ok()) << hundred.status().ToString();
  ASSERT_EQ(hundred->size(), 100U);
  EXPECT_EQ(hundred->back().index, 99U);
  EXPECT_EQ(hundred->back().id, "p99");

  Result<std::vector<ResponsiblePerson>> more =
      ResponsiblePersons(WithPersons(101));
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().message(),
            "exception persons: policy: 101 persons, at most 100");
}

TEST(ResponsiblePersonsTest, RefusesANameTheMacCannotCarry) {
  const std::string longest(kMaxResponsibleIdBytes, 'n');
  EXPECT_TRUE(ResponsiblePersons(
                  WithConsignees(Json::array({Consignee("a", "x", {longest})})))
                  .ok());
  Result<std::vector<ResponsiblePerson>> persons = ResponsiblePersons(
      WithConsignees(Json::array({Consignee("a", "x", {}),
                                  Consignee("b", "y", {"z", longest + "n"})})));
  ASSERT_FALSE(persons.ok());
  EXPECT_EQ(persons.status().message(),
            "exception persons: $.consignees[1].deputies[1].name: 65 bytes, "
            "at most 64 (the exception codes' responsible id)");
}

TEST(ResponsiblePersonsTest, TheSamePolicyParsedTwiceGivesTheSameList) {
  // Both sides parse the same signed bytes; so does a PC after a restart.
  const std::string text = policy::testing::Dump([] {
    Json doc = policy::testing::ValidPolicyJson();
    doc["consignees"].push_back(Consignee("b", "田中", {"伊藤", "高橋"}));
    return doc;
  }());
  Result<policy::Policy> first = policy::ParsePolicy(text);
  Result<policy::Policy> second = policy::ParsePolicy(text);
  ASSERT_TRUE(first.ok() && second.ok());
  Result<std::vector<ResponsiblePerson>> a = ResponsiblePersons(*first);
  Result<std::vector<ResponsiblePerson>> b = ResponsiblePersons(*second);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 5U);
  EXPECT_EQ(*a, *b);
}

}  // namespace
}  // namespace piiguard::exception
