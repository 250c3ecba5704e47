#include "tests/integration/exception_seed.h"

#include "common/json.h"

namespace piiguard::seed {

Result<Json> SeedExceptions(DeskRunner& desk, SimulatedAgent& hidamari,
                            const std::string& hidamari_pc, SimulatedAgent& sun,
                            const std::string& sun_pc) {
  for (auto [agent, pc] :
       {std::pair{&hidamari, hidamari_pc}, std::pair{&sun, sun_pc}}) {
    PIIGUARD_ASSIGN_OR_RETURN(std::string key, desk.PcKey(pc));
    PIIGUARD_RETURN_IF_ERROR(agent->EnableExceptions(key));
  }
  const std::string used_reason = "講座の会場で無線LANを使うため";
  const std::string expired_reason =
      "訪問先で名簿を確認するため（前々日の依頼）";
  // Used: 佐藤 一郎 (1, deputy of npo-hidamari) permits it.
  PIIGUARD_ASSIGN_OR_RETURN(std::string a, hidamari.AskRadiosException(60));
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string ra,
      desk.Respond(hidamari_pc, a, 1, hidamari.IssueDay(), used_reason));
  PIIGUARD_ASSIGN_OR_RETURN(Json granted, hidamari.RedeemException(ra));
  if (!granted.value("accepted", false)) {
    return FailedPreconditionError("seed", "exception", granted.dump());
  }
  // Answered for a day that is over, never used: 鈴木 一郎 (2).
  PIIGUARD_ASSIGN_OR_RETURN(std::string b, sun.AskRadiosException(30));
  PIIGUARD_RETURN_IF_ERROR(
      desk.Respond(sun_pc, b, 2, sun.IssueDay() - 2, expired_reason).status());
  // Answered with a ledger the office never sees, and used.
  PIIGUARD_ASSIGN_OR_RETURN(std::string c, sun.AskRadiosException(15));
  PIIGUARD_ASSIGN_OR_RETURN(
      std::string rc, desk.Respond(sun_pc, c, 2, sun.IssueDay(), "台帳の外",
                                   desk.Path("elsewhere.ledger")));
  PIIGUARD_ASSIGN_OR_RETURN(granted, sun.RedeemException(rc));
  if (!granted.value("accepted", false)) {
    return FailedPreconditionError("seed", "exception", granted.dump());
  }
  const std::string file = desk.Path("issued-1.export");
  PIIGUARD_RETURN_IF_ERROR(desk.Export(file));
  return Json{{"issued_export", file},
              {"exceptions_overview",
               "例外コード: 発行 2 件、使用 2 件、発行記録のない使用 1 件"},
              {"exception_texts",
               {used_reason, expired_reason, "使用済み", "期限切れ・未使用",
                "発行記録のない使用", "佐藤 一郎（1 番、副責任者）", a, b}},
              {"exception_alarm", c},
              {"exception_alarm_cause", "台帳の外で応答コードが出されました"}};
}

}  // namespace piiguard::seed
