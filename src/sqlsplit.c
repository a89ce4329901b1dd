#include "sqlsplit.h"
