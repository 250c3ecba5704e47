#include "common/os/testing/fake_clock.h"
