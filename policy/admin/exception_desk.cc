#include "policy/admin/exception_desk.h"

#include <string>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/file_util.h"
#include "common/timestamp.h"
#include "policy/exception/maintenance_password.h"
#include "policy/exception/redemption.h"

namespace piiguard::admin {
namespace {

using exception::Challenge;
using exception::CodeFault;
using exception::CodeProblem;
using exception::ExceptionKey;
using exception::ResponsiblePerson;

// Room for a wrong file to be reported by its size, not read whole.
constexpr size_t kMaxKeyFileRead = 4096;

Status WriteKey(const ExceptionKey& key, const std::string& path) {
  return WriteFileAtomic(path, key.bytes(), 0600, Overwrite::kRefuse);
}

}  // namespace

Result<ExceptionKey> ReadExceptionKeyFile(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string raw,
                            ReadFileBytes(path, kMaxKeyFileRead));
  if (raw.size() != ExceptionKey::kSize) {
    const size_t size = raw.size();
    CleanseString(raw);
    return InvalidArgumentError(
        "exception key", path,
        std::to_string(size) + " bytes, want exactly " +
            std::to_string(ExceptionKey::kSize) +
            " (a file written by piiguard-admin exception init-key)");
  }
  Result<ExceptionKey> key = ExceptionKey::FromBytes(raw);
  CleanseString(raw);
  return key;
}

Status WriteNewMasterKey(const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(std::string raw, RandomBytes(ExceptionKey::kSize));
  Result<ExceptionKey> master = ExceptionKey::FromBytes(raw);
  CleanseString(raw);
  if (!master.ok()) return master.status();
  return WriteKey(*master, path);
}

Status WritePcKey(const ExceptionKey& master, std::string_view pc_id,
                  const std::string& path) {
  PIIGUARD_ASSIGN_OR_RETURN(const ExceptionKey pc_key,
                            exception::DeriveExceptionKey(master, pc_id));
  return WriteKey(pc_key, path);
}

Result<DeskResponse> RespondToChallenge(
    const ExceptionKey& master, const RespondRequest& request,
    const std::vector<ResponsiblePerson>& persons, const os::Clock& clock,
    CodeProblem* problem) {
  PIIGUARD_ASSIGN_OR_RETURN(
      const Challenge challenge,
      exception::ParseChallenge(request.challenge, problem));
  if (persons.empty()) {
    return FailedPreconditionError(
        "exception respond", "--policy",
        "lists no responsible person (no consignees): no response can name "
        "one");
  }
  if (request.person < 0 ||
      static_cast<size_t>(request.person) >= persons.size()) {
    return InvalidArgumentError(
        "exception respond", "--person " + std::to_string(request.person),
        "names nobody: the policy lists " + std::to_string(persons.size()) +
            " responsible persons, 0 to " + std::to_string(persons.size() - 1) +
            " (piiguard-admin exception persons shows them)");
  }
  const ResponsiblePerson& person = persons[request.person];
  const int64_t issue_day = request.issue_day.has_value()
                                ? *request.issue_day
                                : exception::IssueDay(clock.WallMs());
  PIIGUARD_ASSIGN_OR_RETURN(
      const ExceptionKey pc_key,
      exception::DeriveExceptionKey(master, request.pc_id));
  // No scope detail: v1's MAC carries a zero-length one (docs/exceptions.md).
  const exception::ResponseContext context{request.pc_id,       challenge,
                                           /*scope_detail=*/"", person.index,
                                           person.id,           issue_day};
  PIIGUARD_ASSIGN_OR_RETURN(const exception::Response response,
                            exception::ComputeResponse(pc_key, context));
  DeskResponse answer{challenge, issue_day, person,
                      exception::EncodeResponse(response), ""};
  if (challenge.scope == exception::ScopeKind::kMaintenance) {
    PIIGUARD_ASSIGN_OR_RETURN(
        answer.maintenance_password,
        exception::MaintenancePassword(pc_key, request.pc_id, challenge.nonce));
  }
  return answer;
}

std::string DescribeRequest(const Challenge& challenge, std::string_view pc_id,
                            Lang lang) {
  const std::string index =
      (challenge.index < 10 ? "0" : "") + std::to_string(challenge.index);
  return Message(
      lang, MsgId::kExceptionDeskRequest,
      {pc_id, Message(lang, exception::ScopeMessage(challenge.scope)),
       std::to_string(exception::DurationMinutes(challenge.duration)), index});
}

std::string DescribeResponse(const DeskResponse& response, Lang lang) {
  return Message(
      lang, MsgId::kExceptionDeskResponse,
      {response.response, std::to_string(response.person.index),
       DescribePerson(response.person, lang), FormatDate(response.issue_day)});
}

std::string DescribeMaintenancePassword(const DeskResponse& response,
                                        Lang lang) {
  if (response.maintenance_password.empty()) return "";
  // Both languages whatever the desk's: whoever reads the screen must not
  // read the password to the caller.
  return Message(lang, MsgId::kMaintenanceDeskPassword,
                 {response.maintenance_password}) +
         "\n" + Message(Lang::kJa, MsgId::kMaintenanceDeskVendorOnly) + " / " +
         Message(Lang::kEn, MsgId::kMaintenanceDeskVendorOnly);
}

std::string DescribePerson(const ResponsiblePerson& person, Lang lang) {
  return Message(lang,
                 person.deputy ? MsgId::kExceptionDeskPersonDeputy
                               : MsgId::kExceptionDeskPersonResponsible,
                 {person.name, person.consignee});
}

std::string DescribePersons(const std::vector<ResponsiblePerson>& persons,
                            int64_t policy_version, Lang lang) {
  std::string out =
      Message(lang, MsgId::kExceptionDeskPersons,
              {std::to_string(policy_version), std::to_string(persons.size())});
  out += "\n";
  for (const ResponsiblePerson& person : persons) {
    out += "  " + std::to_string(person.index) + "  " +
           DescribePerson(person, lang) + "\n";
  }
  return out;
}

std::string DescribeChallengeProblem(const CodeProblem& problem, Lang lang) {
  if (problem.fault == CodeFault::kCheckDigit && problem.group > 0) {
    return Message(lang, MsgId::kExceptionDeskMisheard,
                   {std::to_string(problem.group)});
  }
  return Message(lang, MsgId::kExceptionDeskMalformed);
}

}  // namespace piiguard::admin
