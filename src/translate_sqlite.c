#include "translate_sqlite.h"
