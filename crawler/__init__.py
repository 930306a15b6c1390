"""Sources: the Scrapy project and the file loaders. Every source yields :class:`RawPage` records."""
