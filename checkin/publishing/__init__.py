"""Publishing: the rules every published count keeps, whichever feature counts it: the
cell-key method, small cells, periods, the columns, charts and the files written."""
