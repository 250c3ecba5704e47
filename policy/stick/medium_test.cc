#include "policy/stick/medium.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "common/subprocess.h"

namespace piiguard::stick {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr uint64_t kMiB = uint64_t{1024} * 1024;
constexpr char kExt4Uuid[] = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0";

// Where RunProcess looks for programs.
bool HaveTool(const std::string& name) {
  for (const char* dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                          "/usr/bin", "/sbin", "/bin"}) {
    if (::access((std::string(dir) + "/" + name).c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

// The first of `tools` that is not installed, or "".
std::string MissingTool(const std::vector<std::string>& tools) {
  for (const std::string& tool : tools) {
    if (!HaveTool(tool)) return tool;
  }
  return "";
}

void RunTool(const std::vector<std::string>& argv,
             std::string_view input = {}) {
  Result<ProcessResult> result = RunProcess(argv, input);
  ASSERT_TRUE(result.ok()) << argv[0] << ": " << result.status().ToString();
  ASSERT_EQ(result->exit_code, 0) << argv[0] << ": " << result->err;
}

// Every byte value, line ends of both kinds, and UTF-8 Japanese.
std::string TrickyBytes() {
  std::string bytes = "line\nwindows\r\n\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\n";
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  constexpr char kTail[] = "\r\n\r\r\n\0end";  // and its final NUL
  return bytes.append(kTail, sizeof(kTail));
}

enum class Layout { kSuperfloppyVfat, kSuperfloppyExt4, kMbrVfat, kGptExt4 };

class MediumTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "medium.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    image_ = (dir_ / "stick.img").string();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Truncate(uint64_t size) {
    std::error_code error;
    fs::resize_file(image_, size, error);
    if (error) {  // the file does not exist yet
      RunTool({"truncate", "-s", std::to_string(size), image_});
    }
  }

  // Builds a 40 MiB image laid out as `layout`; the filesystem is 30 MiB
  // unless it is a superfloppy.
  void Build(Layout layout) {
    ASSERT_NO_FATAL_FAILURE(Truncate(40 * kMiB));
    switch (layout) {
      case Layout::kSuperfloppyVfat:
        RunTool({"mkfs.vfat", "-i", "DEADBEEF", image_});
        break;
      case Layout::kSuperfloppyExt4:
        RunTool({"mkfs.ext4", "-q", "-F", "-U", kExt4Uuid, image_});
        break;
      case Layout::kMbrVfat:
        RunTool({"sfdisk", "-q", image_}, "start=2048, size=61440, type=c\n");
        RunTool({"mkfs.vfat", "--offset", "2048", "-i", "CAFEBABE", image_,
                 "30720"});
        break;
      case Layout::kGptExt4:  // an empty BIOS boot partition comes first
        RunTool(
            {"sfdisk", "-q", image_},
            "label: gpt\n"
            "start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649\n"
            "start=4096, size=61440, "
            "type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n");
        RunTool({"mkfs.ext4", "-q", "-F", "-U", kExt4Uuid, "-E",
                 "offset=" + std::to_string(4096 * 512), image_, "30M"});
        break;
    }
  }

  FilesystemInfo Probe() {
    Result<MediumInfo> info = ProbeMedium(image_);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return info.ok() ? info->fs : FilesystemInfo{};
  }

  fs::path dir_;
  std::string image_;
};

#define SKIP_IF_MISSING(...)                                           \
  do {                                                                 \
    std::string missing = MissingTool({__VA_ARGS__});                  \
    if (!missing.empty()) GTEST_SKIP() << missing << " not installed"; \
  } while (false)

TEST_F(MediumTest, SuperfloppyVfat) {
  SKIP_IF_MISSING("mkfs.vfat");
  ASSERT_NO_FATAL_FAILURE(Build(Layout::kSuperfloppyVfat));
  Result<MediumInfo> info = ProbeMedium(image_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->capacity_bytes, 40 * kMiB);
  EXPECT_EQ(info->fs.offset, 0U);
  EXPECT_EQ(info->fs.size, 40 * kMiB);
  EXPECT_EQ(info->fs.type, "vfat");
  EXPECT_EQ(info->fs.uuid, "DEAD-BEEF");
}

TEST_F(MediumTest, SuperfloppyExt4) {
  SKIP_IF_MISSING("mkfs.ext4");
  ASSERT_NO_FATAL_FAILURE(Build(Layout::kSuperfloppyExt4));
  FilesystemInfo fs = Probe();
  EXPECT_EQ(fs.offset, 0U);
  EXPECT_EQ(fs.size, 40 * kMiB);
  EXPECT_EQ(fs.type, "ext4");
  EXPECT_EQ(fs.uuid, kExt4Uuid);
}

TEST_F(MediumTest, MbrPartitionedVfat) {
  SKIP_IF_MISSING("sfdisk", "mkfs.vfat");
  ASSERT_NO_FATAL_FAILURE(Build(Layout::kMbrVfat));
  Result<MediumInfo> info = ProbeMedium(image_);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->capacity_bytes, 40 * kMiB);
  EXPECT_EQ(info->fs.offset, 1 * kMiB);
  EXPECT_EQ(info->fs.size, 30 * kMiB);
  EXPECT_EQ(info->fs.type, "vfat");
  EXPECT_EQ(info->fs.uuid, "CAFE-BABE");
}

TEST_F(MediumTest, GptPartitionedExt4SkipsEmptyPartitions) {
  SKIP_IF_MISSING("sfdisk", "mkfs.ext4");
  ASSERT_NO_FATAL_FAILURE(Build(Layout::kGptExt4));
  FilesystemInfo fs = Probe();
  EXPECT_EQ(fs.offset, 2 * kMiB);
  EXPECT_EQ(fs.size, 30 * kMiB);
  EXPECT_EQ(fs.type, "ext4");
  EXPECT_EQ(fs.uuid, kExt4Uuid);
}

TEST_F(MediumTest, Ext3IsUnsupported) {
  SKIP_IF_MISSING("mkfs.ext3");
  ASSERT_NO_FATAL_FAILURE(Truncate(32 * kMiB));
  RunTool({"mkfs.ext3", "-q", "-F", image_});
  Result<MediumInfo> info = ProbeMedium(image_);
  EXPECT_EQ(info.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(info.status().message(),
              HasSubstr("unsupported filesystem ext3"));
  EXPECT_THAT(info.status().message(), HasSubstr(image_));
}

TEST_F(MediumTest, Ext2PartitionIsUnsupported) {
  SKIP_IF_MISSING("sfdisk", "mkfs.ext2");
  ASSERT_NO_FATAL_FAILURE(Truncate(40 * kMiB));
  RunTool({"sfdisk", "-q", image_}, "start=2048, size=61440, type=83\n");
  RunTool({"mkfs.ext2", "-q", "-F", "-E", "offset=1048576", image_, "30M"});
  Result<MediumInfo> info = ProbeMedium(image_);
  EXPECT_EQ(info.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(info.status().message(),
              HasSubstr("unsupported filesystem ext2"));
}

TEST_F(MediumTest, NoFilesystemIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Truncate(0));
  Result<MediumInfo> info = ProbeMedium(image_);
  EXPECT_EQ(info.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(info.status().message(), HasSubstr("empty medium"));

  ASSERT_NO_FATAL_FAILURE(Truncate(8 * kMiB));  // zeros
  info = ProbeMedium(image_);
  EXPECT_EQ(info.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(info.status().message(),
              HasSubstr("no filesystem and no partition table"));
}

TEST_F(MediumTest, PartitionsWithoutFilesystemIsNotFound) {
  SKIP_IF_MISSING("sfdisk");
  ASSERT_NO_FATAL_FAILURE(Truncate(8 * kMiB));
  RunTool({"sfdisk", "-q", image_}, "start=2048, type=c\n");
  Result<MediumInfo> info = ProbeMedium(image_);
  EXPECT_EQ(info.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(info.status().message(), HasSubstr("no filesystem in any"));
}

TEST_F(MediumTest, RefusesWhatIsNotAMedium) {
  EXPECT_EQ(ProbeMedium((dir_ / "absent.img").string()).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(ProbeMedium(dir_.string()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(MediumTest, RefusesPathsTheToolsWouldMisread) {
  const FilesystemInfo vfat{0, kMiB, "vfat", ""};
  const FilesystemInfo ext4{0, kMiB, "ext4", ""};
  const std::string pwned = (dir_ / "PWNED").string();
  for (const std::string& path :
       {std::string("-i"), std::string("a@@512"), "x$(touch " + pwned + ")",
        std::string("a`id`"), std::string("~root/x"), std::string("a*")}) {
    EXPECT_EQ(ReadKeyFile(path, vfat).status().code(),
              StatusCode::kInvalidArgument)
        << path;
    EXPECT_EQ(WriteKeyFile(path, vfat, "k").code(),
              StatusCode::kInvalidArgument)
        << path;
  }
  for (const char* path : {"-R", "img?offset=0", ""}) {
    EXPECT_EQ(ReadKeyFile(path, ext4).status().code(),
              StatusCode::kInvalidArgument)
        << path;
  }
  EXPECT_EQ(
      ReadKeyFile(image_, FilesystemInfo{0, kMiB, "ext3", ""}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(pwned));
}

TEST_F(MediumTest, Ext4KeyFileIsRootOwnedAnd0644) {
  SKIP_IF_MISSING("sfdisk", "mkfs.ext4", "debugfs");
  ASSERT_NO_FATAL_FAILURE(Build(Layout::kGptExt4));
  const FilesystemInfo fs = Probe();
  ASSERT_TRUE(WriteKeyFile(image_, fs, "key").ok());
  Result<ProcessResult> stat =
      RunProcess({"debugfs", "-R", "stat PIIGUARD.KEY",
                  image_ + "?offset=" + std::to_string(fs.offset)});
  ASSERT_TRUE(stat.ok());
  // Not the 0600 of the temporary file it was copied from.
  EXPECT_THAT(stat->out, HasSubstr("Mode:  0644"));
  EXPECT_THAT(stat->out, HasSubstr("User:     0   Group:     0"));
}

// Key file reads and writes on each supported layout.
class KeyFileTest : public MediumTest,
                    public ::testing::WithParamInterface<Layout> {
 protected:
  void SetUp() override {
    switch (GetParam()) {
      case Layout::kSuperfloppyVfat:
      case Layout::kMbrVfat:
        SKIP_IF_MISSING("sfdisk", "mkfs.vfat", "mcopy", "mdir", "mmd");
        break;
      case Layout::kSuperfloppyExt4:
      case Layout::kGptExt4:
        SKIP_IF_MISSING("sfdisk", "mkfs.ext4", "debugfs");
        break;
    }
    ASSERT_NO_FATAL_FAILURE(MediumTest::SetUp());
    ASSERT_NO_FATAL_FAILURE(Build(GetParam()));
    fs_ = Probe();
  }
  bool IsVfat() const { return fs_.type == "vfat"; }
  FilesystemInfo fs_;
};

TEST_P(KeyFileTest, AbsentKeyFileIsNotFound) {
  Result<std::string> key = ReadKeyFile(image_, fs_);
  EXPECT_EQ(key.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(key.status().message(), HasSubstr(image_));
  EXPECT_THAT(key.status().message(), HasSubstr("no PIIGUARD.KEY"));
}

TEST_P(KeyFileTest, WriteThenReadIsByteExact) {
  const std::string bytes = TrickyBytes();
  ASSERT_TRUE(WriteKeyFile(image_, fs_, bytes).ok());
  Result<std::string> key = ReadKeyFile(image_, fs_);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, bytes);
  EXPECT_EQ(Probe().uuid, fs_.uuid);  // still the same filesystem
}

TEST_P(KeyFileTest, OverwriteReplacesTheFile) {
  ASSERT_TRUE(WriteKeyFile(image_, fs_, std::string(5000, 'a')).ok());
  ASSERT_TRUE(WriteKeyFile(image_, fs_, "short\n").ok());
  EXPECT_EQ(*ReadKeyFile(image_, fs_), "short\n");
  ASSERT_TRUE(WriteKeyFile(image_, fs_, "").ok());
  EXPECT_EQ(*ReadKeyFile(image_, fs_), "");
}

TEST_P(KeyFileTest, SizeLimit) {
  const std::string largest(kMaxKeyFileSize, '\xA5');
  Status status = WriteKeyFile(image_, fs_, largest);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(*ReadKeyFile(image_, fs_), largest);
  EXPECT_EQ(WriteKeyFile(image_, fs_, largest + "x").code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*ReadKeyFile(image_, fs_), largest);  // left as it was
}

TEST_P(KeyFileTest, OversizeKeyFileOnTheMediumIsRefused) {
  const std::string big = (dir_ / "big").string();
  RunTool({"truncate", "-s", std::to_string(kMaxKeyFileSize + 1), big});
  const std::string offset = std::to_string(fs_.offset);
  if (IsVfat()) {
    RunTool({"mcopy", "-i", image_ + "@@" + offset, big, "::/PIIGUARD.KEY"});
  } else {
    RunTool({"debugfs", "-w", "-R", "write " + big + " PIIGUARD.KEY",
             image_ + "?offset=" + offset});
  }
  Result<std::string> key = ReadKeyFile(image_, fs_);
  EXPECT_EQ(key.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(key.status().message(), HasSubstr("larger than 65536"));
}

TEST_P(KeyFileTest, DirectoryNamedLikeTheKeyFileIsRefused) {
  const std::string offset = std::to_string(fs_.offset);
  if (IsVfat()) {
    RunTool({"mmd", "-i", image_ + "@@" + offset, "::/piiguard.key"});
  } else {
    RunTool({"debugfs", "-w", "-R", "mkdir PIIGUARD.KEY",
             image_ + "?offset=" + offset});
  }
  EXPECT_EQ(ReadKeyFile(image_, fs_).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(WriteKeyFile(image_, fs_, "key").ok());
}

TEST_P(KeyFileTest, MissingImageIsAnError) {
  EXPECT_FALSE(ReadKeyFile((dir_ / "absent.img").string(), fs_).ok());
  EXPECT_FALSE(WriteKeyFile((dir_ / "absent.img").string(), fs_, "k").ok());
}

std::string LayoutName(const ::testing::TestParamInfo<Layout>& param_info) {
  switch (param_info.param) {
    case Layout::kSuperfloppyVfat:
      return "SuperfloppyVfat";
    case Layout::kMbrVfat:
      return "MbrVfat";
    case Layout::kSuperfloppyExt4:
      return "SuperfloppyExt4";
    case Layout::kGptExt4:
      return "GptExt4";
  }
  return "Unknown";
}

INSTANTIATE_TEST_SUITE_P(Layouts, KeyFileTest,
                         ::testing::Values(Layout::kSuperfloppyVfat,
                                           Layout::kMbrVfat,
                                           Layout::kSuperfloppyExt4,
                                           Layout::kGptExt4),
                         LayoutName);

}  // namespace
}  // namespace piiguard::stick
