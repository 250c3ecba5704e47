// The scan's walk on FakeFileSystem with the real detector: what is counted,
// listed and judged, symlinks and mounts never entered, a 10 GiB sparse
// file read by its data only, and every failure listed with its reason.
#include "agent/scan/scanner.h"

#include <gtest/gtest.h>

#include "common/os/testing/fake_file_system.h"

namespace piiguard::scan {
namespace {

std::string Roster() {
  return "氏名,フリガナ,住所,電話番号,生年月日\n"
         "山田 太郎,ヤマダ タロウ,東京都東村山市本町1-2-3,090-1234-5678,"
         "1985/04/12\n"
         "佐藤 花子,サトウ ハナコ,東京都東村山市久米川町2-3-4,042-345-6789,"
         "昭和55年3月1日\n"
         "勅使河原 蓮,テシガワラ レン,埼玉県所沢市東町5-6,080-2345-6789,"
         "1990-12-31\n"
         "小鳥遊 美咲,タカナシ ミサキ,東京都清瀬市元町1丁目2番3号,070-3456-"
         "7890,H2.3.4\n"
         "鈴木一郎,スズキ イチロウ,東京都小平市学園東町3-4-5,0422-12-3456,"
         "1972年8月15日\n"
         "五十嵐 翔,イガラシ ショウ,神奈川県川崎市中原区小杉町1-2,090-9876-"
         "5432,1968/01/20\n";
}

class ScannerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    detector_ = roster::Detector::Create().value().release();
  }
  static void TearDownTestSuite() { delete detector_; }

  ScanResult Scan(const std::vector<std::string>& roots,
                  roster::Options options = {}) {
    Scanner scanner(files_, *detector_, options);
    scanner.SetScannedElsewhere(elsewhere_);
    scanner.SetProgress([this](const Progress& p) {
      ++progress_calls_;
      last_ = p;
    });
    for (const std::string& root : roots) scanner.Walk(root);
    return scanner.Collected();
  }

  static roster::Detector* detector_;
  os::FakeFileSystem files_;
  std::set<std::string> elsewhere_;
  int progress_calls_ = 0;
  Progress last_;
};
roster::Detector* ScannerTest::detector_ = nullptr;

TEST_F(ScannerTest, CountsListsAndJudges) {
  files_.AddFile("/home/staff/会員名簿.csv", Roster());
  files_.AddFile(
      "/home/staff/docs/minutes.txt",
      "令和6年第3回定例会 会議録\n議長 山田太郎\n開会を宣言します。\n");
  files_.AddSymlink("/home/staff/docs/roster-link", "../会員名簿.csv");
  files_.AddFifo("/home/staff/pipe");
  files_.AddFile("/home/staff/private/notes.txt", "x");
  files_.DenyAccess("/home/staff/private");
  files_.AddFile("/home/staff/secret.csv", Roster());
  files_.DenyAccess("/home/staff/secret.csv");
  files_.AddFile("/home/staff/scan.pdf", "%PDF-1.7\n...");
  files_.AddMount("/home/staff/usb", 7);
  files_.AddFile("/home/staff/usb/名簿.csv", Roster());

  ScanResult r = Scan({"/home/staff"});
  EXPECT_EQ(r.counts.files, 3u);  // the roster, the minutes, the PDF
  EXPECT_EQ(r.counts.rosters, 1u);
  EXPECT_EQ(r.counts.dirs, 2u);  // staff, docs (private refused)
  EXPECT_EQ(r.counts.symlinks, 1u);
  EXPECT_EQ(r.counts.special, 1u);
  EXPECT_EQ(r.counts.mounts, 1u);
  EXPECT_EQ(r.counts.not_examined, 3u);
  EXPECT_EQ(r.counts.partial, 0u);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].path, "/home/staff/会員名簿.csv");
  EXPECT_EQ(r.findings[0].verdict["people"], 6);
  EXPECT_EQ(r.mounts, std::vector<std::string>{"/home/staff/usb"});
  ASSERT_EQ(r.not_examined.size(), 3u);
  EXPECT_EQ(r.not_examined[0].path, "/home/staff/private");
  EXPECT_EQ(r.not_examined[0].reason, "Permission denied");
  EXPECT_EQ(r.not_examined[1].path, "/home/staff/scan.pdf");
  EXPECT_EQ(r.not_examined[1].reason, "PDF file: its text is not read");
  EXPECT_EQ(r.not_examined[2].path, "/home/staff/secret.csv");
  EXPECT_EQ(progress_calls_, 4);  // every regular file, read or not
  EXPECT_EQ(last_.rosters, 1u);
  EXPECT_EQ(last_.not_examined, 3u);

  // What the scan found makes a consistent report body.
  scanreport::Body body;
  body.started = body.finished = "2026-11-24T10:00:00+09:00";
  body.paths = {"/home/staff"};
  body.uid = 1000;
  body.counts = r.counts;
  body.findings = r.findings;
  body.not_examined = r.not_examined;
  body.partial = r.partial;
  body.mounts = r.mounts;
  body.clean = scanreport::IsClean(body.counts, body.uid);
  EXPECT_TRUE(scanreport::CheckBody(body).ok())
      << scanreport::CheckBody(body).message();
}

TEST_F(ScannerTest, SymlinkRootIsNotFollowed) {
  files_.AddFile("/data/名簿.csv", Roster());
  files_.AddSymlink("/link", "/data");
  ScanResult r = Scan({"/link"});
  EXPECT_EQ(r.counts.symlinks, 1u);
  EXPECT_EQ(r.counts.files, 0u);
  EXPECT_EQ(r.counts.rosters, 0u);
}

TEST_F(ScannerTest, SingleFileRootAndMissingRoot) {
  files_.AddFile("/data/名簿.csv", Roster());
  ScanResult r = Scan({"/data/名簿.csv", "/nowhere"});
  EXPECT_EQ(r.counts.files, 1u);
  EXPECT_EQ(r.counts.rosters, 1u);
  ASSERT_EQ(r.not_examined.size(), 1u);
  EXPECT_EQ(r.not_examined[0].path, "/nowhere");
  EXPECT_EQ(r.not_examined[0].reason, "No such file or directory");
}

TEST_F(ScannerTest, HugeSparseFileCostsOnlyItsData) {
  const uint64_t ten_gib = uint64_t{10} << 30;
  // One page of text (a data region ends on a page, the rest of which
  // would read as NUL bytes).
  std::string page = Roster();
  page.resize(4096, '\n');
  files_.AddSparseFile("/data/disk.img", ten_gib, ten_gib / 2, page);
  ScanResult r = Scan({"/data"});
  EXPECT_EQ(r.counts.files, 1u);
  EXPECT_LT(r.counts.bytes, uint64_t{1} << 20);  // a block or so, not 10 GiB
  EXPECT_EQ(r.counts.rosters, 1u);               // the data is still judged
  EXPECT_EQ(r.counts.partial, 0u);
}

TEST_F(ScannerTest, LargeFileIsPartial) {
  std::string big = Roster() + std::string(4096, 'x');
  files_.AddFile("/data/big.csv", big);
  roster::Options options;
  options.max_input = 2048;
  ScanResult r = Scan({"/data"}, options);
  EXPECT_EQ(r.counts.partial, 1u);
  EXPECT_EQ(r.partial, std::vector<std::string>{"/data/big.csv"});
  EXPECT_LE(r.counts.bytes, 2048u);
}

TEST_F(ScannerTest, MountsScannedElsewhereAreNotCounted) {
  files_.AddFile("/a.txt", "hello");
  files_.AddMount("/home", 2);
  files_.AddFile("/home/u/名簿.csv", Roster());
  files_.AddMount("/media/stick", 3);
  elsewhere_ = {"/home"};
  ScanResult r = Scan({"/", "/home"});
  EXPECT_EQ(r.counts.mounts, 1u);
  EXPECT_EQ(r.mounts, std::vector<std::string>{"/media/stick"});
  EXPECT_EQ(r.counts.rosters, 1u);
  EXPECT_EQ(r.counts.files, 2u);
}

TEST_F(ScannerTest, ListsAreCappedCountsAreExact) {
  for (size_t i = 0; i < scanreport::kMaxListed + 3; ++i) {
    files_.AddFile("/d/" + std::to_string(100000 + i) + ".pdf", "%PDF-1.4");
  }
  ScanResult r = Scan({"/d"});
  EXPECT_EQ(r.counts.not_examined, scanreport::kMaxListed + 3);
  ASSERT_EQ(r.not_examined.size(), scanreport::kMaxListed);
  EXPECT_EQ(r.not_examined.front().path, "/d/100000.pdf");
}

TEST(ReasonOfTest, LastPart) {
  EXPECT_EQ(ReasonOf(Status(StatusCode::kIoError, "a: /x: y: Input/output")),
            "Input/output");
  EXPECT_EQ(ReasonOf(Status(StatusCode::kIoError, "plain")), "plain");
}

}  // namespace
}  // namespace piiguard::scan
