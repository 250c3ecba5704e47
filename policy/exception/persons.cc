#include "policy/exception/persons.h"

#include <string>
#include <vector>

#include "common/status.h"
#include "policy/exception/code_mac.h"

namespace piiguard::exception {
namespace {

constexpr std::string_view kContext = "exception persons";

size_t CountPersons(const policy::Policy& policy) {
  size_t count = 0;
  for (const policy::Consignee& c : policy.consignees) {
    count += 1 + c.deputies.size();
  }
  return count;
}

// Appends `person` of consignee `consignee_id`; `path` names it in errors.
Status Append(const policy::Person& person, const std::string& consignee_id,
              bool deputy, const std::string& path,
              std::vector<ResponsiblePerson>& persons) {
  if (person.name.size() > kMaxResponsibleIdBytes) {
    return InvalidArgumentError(kContext, path + ".name",
                                std::to_string(person.name.size()) +
                                    " bytes, at most " +
                                    std::to_string(kMaxResponsibleIdBytes) +
                                    " (the exception codes' responsible id)");
  }
  persons.push_back({static_cast<unsigned>(persons.size()), person.name,
                     person.name, consignee_id, deputy});
  return Status::Ok();
}

}  // namespace

Result<std::vector<ResponsiblePerson>> ResponsiblePersons(
    const policy::Policy& policy) {
  const size_t count = CountPersons(policy);
  if (count > kMaxPersons) {
    return InvalidArgumentError(kContext, "policy",
                                std::to_string(count) + " persons, at most " +
                                    std::to_string(kMaxPersons));
  }
  std::vector<ResponsiblePerson> persons;
  persons.reserve(count);
  for (size_t i = 0; i < policy.consignees.size(); ++i) {
    const policy::Consignee& c = policy.consignees[i];
    const std::string path = "$.consignees[" + std::to_string(i) + "]";
    PIIGUARD_RETURN_IF_ERROR(Append(c.responsible, c.id, /*deputy=*/false,
                                    path + ".responsible", persons));
    for (size_t d = 0; d < c.deputies.size(); ++d) {
      PIIGUARD_RETURN_IF_ERROR(
          Append(c.deputies[d], c.id, /*deputy=*/true,
                 path + ".deputies[" + std::to_string(d) + "]", persons));
    }
  }
  return persons;
}

std::vector<std::string> ResponsibleIds(
    const std::vector<ResponsiblePerson>& persons) {
  std::vector<std::string> ids;
  ids.reserve(persons.size());
  for (const ResponsiblePerson& person : persons) ids.push_back(person.id);
  return ids;
}

}  // namespace piiguard::exception
