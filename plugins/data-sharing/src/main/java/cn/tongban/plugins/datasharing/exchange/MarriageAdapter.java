package cn.tongban.plugins.datasharing.exchange;

/** {@code mzj-marriage} from the provincial exchange: 民政 婚姻登记. */
public final class MarriageAdapter extends ExchangeAdapter {
  public MarriageAdapter() {
    super("exchange-mzj-marriage", "mzj-marriage", "marriage");
  }
}
