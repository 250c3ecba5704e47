// Google's ctemplate (Debian's libctemplate-dev), for the review pages'
// templates (page_templates.h). Include this instead of <ctemplate/...>:
// ctemplate 2.4's str_ref.h calls strlen without including <cstring>.
//
// Thread-safety: see ctemplate's documentation; a TemplateDictionary
// belongs to one request.
#ifndef PIIGUARD_OFFICE_PAGES_CTEMPLATE_H_
#define PIIGUARD_OFFICE_PAGES_CTEMPLATE_H_

// clang-format off
#include <cstring>
#include <ctemplate/template.h>
#include <ctemplate/template_cache.h>
#include <ctemplate/template_dictionary.h>
// clang-format on

#endif  // PIIGUARD_OFFICE_PAGES_CTEMPLATE_H_
