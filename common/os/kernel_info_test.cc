#include "common/os/kernel_info.h"

#include <gtest/gtest.h>

namespace piiguard::os {
namespace {

std::vector<KernelParam> Parse(std::string_view text) {
  Result<std::vector<KernelParam>> params = ParseKernelCommandLine(text);
  EXPECT_TRUE(params.ok()) << params.status().message();
  return params.ok() ? *params : std::vector<KernelParam>{};
}

TEST(KernelCommandLine, DebianLineWithTheUsbSetting) {
  auto params = Parse(
      "BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=0b1c ro quiet "
      "usbcore.authorized_default=0\n");
  ASSERT_EQ(params.size(), 5u);
  EXPECT_EQ(params[0].name, "BOOT_IMAGE");
  EXPECT_EQ(params[1].value, "UUID=0b1c");  // the first '=' splits
  EXPECT_EQ(params[2].value, std::nullopt);
  EXPECT_EQ(KernelParameter(params, "usbcore.authorized_default"), "0");
}

TEST(KernelCommandLine, LastOneWinsAndDashesAreUnderscores) {
  auto params =
      Parse("usbcore.authorized_default=0 usbcore.authorized-default=1 quiet");
  EXPECT_EQ(KernelParameter(params, "usbcore.authorized_default"), "1");
  EXPECT_EQ(KernelParameter(params, "usbcore.autosuspend"), std::nullopt);
}

TEST(KernelCommandLine, QuotesGroupWhiteSpace) {
  auto params =
      Parse(R"(a="b c" "d=e f" g="" -- usbcore.authorized_default=0)");
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].value, "b c");
  EXPECT_EQ(params[1].name, "d");
  EXPECT_EQ(params[1].value, "e f");
  EXPECT_EQ(params[2].value, "");
  // After "--" the words are init's, not the kernel's.
  EXPECT_EQ(KernelParameter(params, "usbcore.authorized_default"),
            std::nullopt);
}

TEST(KernelCommandLine, AWordThatOnlyLooksLikeTheSettingDoesNotCount) {
  auto params =
      Parse("xusbcore.authorized_default=0 usbcore.authorized_default");
  EXPECT_EQ(KernelParameter(params, "usbcore.authorized_default"),
            std::nullopt);
}

TEST(KernelCommandLine, RefusesNulAndHugeInput) {
  EXPECT_FALSE(ParseKernelCommandLine(std::string("a\0b", 3)).ok());
  EXPECT_FALSE(
      ParseKernelCommandLine(std::string(kMaxKernelCommandLine + 1, 'a')).ok());
  EXPECT_TRUE(Parse("").empty());
  EXPECT_TRUE(Parse(" \n\t").empty());
}

TEST(KernelCommandLine, FormatParsesBack) {
  std::vector<KernelParam> params = {
      {"quiet", std::nullopt}, {"a", "b c"}, {"e", ""}, {"root", "UUID=x"}};
  std::optional<std::string> text = FormatKernelCommandLine(params);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(Parse(*text), params);
  EXPECT_EQ(FormatKernelCommandLine({{"a\"b", std::nullopt}}), std::nullopt);
  EXPECT_EQ(FormatKernelCommandLine({{"--", std::nullopt}}), std::nullopt);
}

TEST(LinuxKernelInfo, ReadsThisKernel) {
  LinuxKernelInfo kernel;
  Result<std::string> release = kernel.Release();
  ASSERT_TRUE(release.ok());
  EXPECT_FALSE(release->empty());
  Result<std::string> cmdline = kernel.CommandLine();
  ASSERT_TRUE(cmdline.ok()) << cmdline.status().message();
  EXPECT_TRUE(ParseKernelCommandLine(*cmdline).ok());
  LinuxKernelInfo missing("/nonexistent");
  EXPECT_FALSE(missing.CommandLine().ok());
  Result<std::string> boot = kernel.BootId();
  ASSERT_TRUE(boot.ok()) << boot.status().message();
  EXPECT_EQ(boot->size(), 36u);
  EXPECT_EQ(kernel.BootId().value(), *boot);  // the same for the whole boot
  EXPECT_FALSE(missing.BootId().ok());
}

}  // namespace
}  // namespace piiguard::os
