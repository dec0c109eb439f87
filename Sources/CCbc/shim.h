// COIN-OR CBC's C interface: branch-and-cut for the siting MILPs.
#include <coin/Cbc_C_Interface.h>
