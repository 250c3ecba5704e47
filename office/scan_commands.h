// `piiguard-office scan verify REPORT`: the privacy office checks a
// `piiguard scan` report (docs/scan-report.md) against the device key the
// PC registered at enrolment (PcRecord::device_key_pem), found by the PC id
// the report names. main() only registers the group.
//
// Thread-safety: single-threaded tool.
#ifndef PIIGUARD_OFFICE_SCAN_COMMANDS_H_
#define PIIGUARD_OFFICE_SCAN_COMMANDS_H_

#include <functional>

#include "common/cli_fwd.h"
#include "common/messages.h"

namespace piiguard::office {

class OfficeStore;

// Adds `scan verify` to `app`; the chosen subcommand sets `run`.
void AddScanCommands(CLI::App& app, Lang lang, std::function<int()>& run);

// The check itself, on an open store: 0 verified, 1 refused (with why on
// stderr), 2 an error reading the report.
int VerifyScanReport(OfficeStore& store, const std::string& report_path,
                     Lang lang);

}  // namespace piiguard::office

#endif  // PIIGUARD_OFFICE_SCAN_COMMANDS_H_
