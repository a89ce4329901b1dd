#include "ddl.h"
