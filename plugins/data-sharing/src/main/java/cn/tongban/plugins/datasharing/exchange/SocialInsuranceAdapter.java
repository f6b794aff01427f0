package cn.tongban.plugins.datasharing.exchange;

/** {@code rsj-social-insurance} from the provincial exchange: 人社 社会保险参保. */
public final class SocialInsuranceAdapter extends ExchangeAdapter {
  public SocialInsuranceAdapter() {
    super("exchange-rsj-social-insurance", "rsj-social-insurance", "social-insurance");
  }
}
